package generator

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator/file"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/api/krusty"
	kusttypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// manifestTypes are the Kubernetes API types the generated manifests may
// hold, by apiVersion and kind.
var manifestTypes = map[string]func() any{
	"apps/v1/Deployment":                     func() any { return new(appsv1.Deployment) },
	"v1/Service":                             func() any { return new(corev1.Service) },
	"v1/ConfigMap":                           func() any { return new(corev1.ConfigMap) },
	"v1/Secret":                              func() any { return new(corev1.Secret) },
	"policy/v1/PodDisruptionBudget":          func() any { return new(policyv1.PodDisruptionBudget) },
	"autoscaling/v2/HorizontalPodAutoscaler": func() any { return new(autoscalingv2.HorizontalPodAutoscaler) },
}

// decodeManifests decodes each YAML document of src strictly (unknown or
// duplicate fields fail) into its Kubernetes API type.
func decodeManifests(src []byte) ([]any, error) {
	var out []any
	for i, doc := range splitYAML(src) {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &head); err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		newObj, ok := manifestTypes[head.APIVersion+"/"+head.Kind]
		if !ok {
			return nil, fmt.Errorf("document %d: unexpected %s %s", i+1, head.APIVersion, head.Kind)
		}
		obj := newObj()
		if err := unmarshalStrict(doc, obj); err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i+1, head.Kind, err)
		}
		out = append(out, obj)
	}
	return out, nil
}

// unmarshalStrict decodes YAML into v as the Kubernetes API server does
// with strict field validation: duplicate keys and unknown fields fail, and
// field names match exactly (encoding/json, which sigs.k8s.io/yaml's
// UnmarshalStrict uses, would take "targetport" for "targetPort").
func unmarshalStrict(doc []byte, v any) error {
	j, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return err
	}
	strict, err := kjson.UnmarshalStrict(j, v, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

// splitYAML splits a YAML stream at its "---" lines, dropping empty
// documents.
func splitYAML(src []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(append([]byte("\n"), src...), []byte("\n---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

// TestKubernetesManifests checks the generated deploy/ folder offline:
// every manifest decodes strictly into the official Kubernetes API types
// and every kustomization into kustomize's; the base and each overlay build
// with kustomize's own library, and what they build decodes strictly too
// and holds what an operator relies on (probes, security context, graceful
// termination, the database Secret, settings, disruption budget and
// autoscaler).
func TestKubernetesManifests(t *testing.T) {
	for name, specPath := range examples(t) {
		t.Run(name, func(t *testing.T) {
			res := generateExample(t, name, specPath)
			fsys := filesys.MakeFsInMemory()
			var manifests, kustomizations int
			for _, f := range res.Files {
				if !strings.HasPrefix(f.Path, "deploy/") {
					continue
				}
				if f.Class != file.Scaffold {
					t.Errorf("%s is %s, want scaffold: the manifests are the user's", f.Path, f.Class)
				}
				if err := fsys.WriteFile("/"+f.Path, f.Content); err != nil {
					t.Fatal(err)
				}
				if path.Base(f.Path) == "kustomization.yaml" {
					kustomizations++
					var k kusttypes.Kustomization
					if err := unmarshalStrict(f.Content, &k); err != nil {
						t.Errorf("%s: %v", f.Path, err)
					}
					continue
				}
				objs, err := decodeManifests(f.Content)
				if err != nil {
					t.Errorf("%s: %v", f.Path, err)
				}
				manifests += len(objs)
			}
			if kustomizations != 3 {
				t.Fatalf("%d kustomizations, want base, dev and prod", kustomizations)
			}
			svc := res.Service
			for _, dir := range []string{"base", "overlays/dev", "overlays/prod"} {
				t.Run(path.Base(dir), func(t *testing.T) {
					objs := buildKustomization(t, fsys, "/deploy/"+dir)
					checkBuilt(t, dir, objs, svc.DeployName, svc.BuildVersion)
				})
			}
			t.Logf("%d manifests decoded strictly, 3 kustomizations built", manifests)
		})
	}
}

// buildKustomization runs kustomize on dir and decodes what it builds.
func buildKustomization(t *testing.T, fsys filesys.FileSystem, dir string) []any {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out, err := m.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeManifests(out)
	if err != nil {
		t.Fatalf("kustomize build %s: %v\n%s", dir, err, out)
	}
	return objs
}

// shutdownSeconds is how long main.go gives requests in flight after
// SIGTERM (srv.Shutdown's deadline).
const shutdownSeconds = 10

// checkBuilt checks one built kustomization.
func checkBuilt(t *testing.T, dir string, objs []any, name, version string) {
	var (
		deploy   *appsv1.Deployment
		service  *corev1.Service
		pdb      *policyv1.PodDisruptionBudget
		hpa      *autoscalingv2.HorizontalPodAutoscaler
		configs  = map[string]*corev1.ConfigMap{}
		secrets  = map[string]*corev1.Secret{}
		allKinds []string
	)
	for _, o := range objs {
		switch o := o.(type) {
		case *appsv1.Deployment:
			deploy = o
		case *corev1.Service:
			service = o
		case *policyv1.PodDisruptionBudget:
			pdb = o
		case *autoscalingv2.HorizontalPodAutoscaler:
			hpa = o
		case *corev1.ConfigMap:
			configs[o.Name] = o
		case *corev1.Secret:
			secrets[o.Name] = o
		}
		allKinds = append(allKinds, fmt.Sprintf("%T", o))
	}
	sort.Strings(allKinds)
	if deploy == nil || service == nil {
		t.Fatalf("built %v: want a Deployment and a Service", allKinds)
	}
	if deploy.Name != name {
		t.Errorf("Deployment %q, want %q", deploy.Name, name)
	}
	pod := deploy.Spec.Template
	if !selects(deploy.Spec.Selector.MatchLabels, pod.Labels) || !selects(service.Spec.Selector, pod.Labels) {
		t.Errorf("selectors %v, %v do not select the pod's labels %v", deploy.Spec.Selector.MatchLabels, service.Spec.Selector, pod.Labels)
	}

	// Pod security: non-root, RuntimeDefault seccomp, no token.
	psc := pod.Spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext %+v: want runAsNonRoot and seccomp RuntimeDefault", psc)
	}
	if pod.Spec.AutomountServiceAccountToken == nil || *pod.Spec.AutomountServiceAccountToken {
		t.Error("the pod mounts a service account token it does not use")
	}
	// Graceful termination: preStop, then the server's shutdown, within the grace period.
	grace := int64(30)
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		grace = *pod.Spec.TerminationGracePeriodSeconds
	}

	containers := append(slices.Clone(pod.Spec.InitContainers), pod.Spec.Containers...)
	var server *corev1.Container
	for i, c := range containers {
		sc := c.SecurityContext
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot ||
			sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 {
			t.Errorf("container %s: securityContext %+v, want no privilege escalation, a read-only root, non-root, capabilities drop ALL", c.Name, sc)
		}
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
			t.Errorf("container %s: resources %+v, want cpu and memory requests and a memory limit", c.Name, c.Resources)
		}
		if want := name + ":" + version; c.Image != want {
			t.Errorf("container %s: image %q, want %q", c.Name, c.Image, want)
		}
		// Settings from the ConfigMap, DATABASE_URL from the Secret; both exist
		// when the overlay makes them.
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef == nil || configs[from.ConfigMapRef.Name] == nil {
				t.Errorf("container %s: envFrom %+v names no ConfigMap of the build", c.Name, from)
			}
		}
		var dbURL *corev1.EnvVar
		for j := range c.Env {
			if c.Env[j].Name == "DATABASE_URL" {
				dbURL = &c.Env[j]
			}
		}
		if dbURL == nil || dbURL.ValueFrom == nil || dbURL.ValueFrom.SecretKeyRef == nil || dbURL.ValueFrom.SecretKeyRef.Key != "url" {
			t.Errorf("container %s: DATABASE_URL %+v, want a Secret reference", c.Name, dbURL)
		} else if ref := dbURL.ValueFrom.SecretKeyRef.Name; dir == "overlays/dev" && secrets[ref] == nil {
			t.Errorf("container %s: DATABASE_URL from Secret %q, which the dev overlay does not make", c.Name, ref)
		} else if dir != "overlays/dev" && ref != name+"-database" {
			t.Errorf("container %s: DATABASE_URL from Secret %q, want %s-database", c.Name, ref, name)
		}
		if i < len(pod.Spec.InitContainers) {
			if !slices.Equal(c.Args, []string{"migrate"}) {
				t.Errorf("init container %s: args %q, want [migrate]", c.Name, c.Args)
			}
			continue
		}
		server = &containers[i]
	}
	if server == nil {
		t.Fatal("no server container")
	}
	probe := func(what string, p *corev1.Probe, want string) {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != want || p.HTTPGet.Port.String() != "http" {
			t.Errorf("%s probe %+v, want GET %s on the http port", what, p, want)
		}
	}
	probe("readiness", server.ReadinessProbe, "/readyz")
	probe("liveness", server.LivenessProbe, "/healthz")
	if len(server.Ports) != 1 || server.Ports[0].Name != "http" || server.Ports[0].ContainerPort != 8080 {
		t.Errorf("ports %+v, want http on 8080", server.Ports)
	}
	preStop := int64(0)
	if l := server.Lifecycle; l != nil && l.PreStop != nil && l.PreStop.Sleep != nil {
		preStop = l.PreStop.Sleep.Seconds
	}
	if grace < preStop+shutdownSeconds+1 {
		t.Errorf("terminationGracePeriodSeconds %d: want more than preStop (%d s) and the server's shutdown (%d s)", grace, preStop, shutdownSeconds)
	}
	if len(service.Spec.Ports) == 0 || service.Spec.Ports[0].TargetPort.String() != "http" {
		t.Errorf("Service ports %+v, want one to the http port", service.Spec.Ports)
	}

	if dir == "overlays/dev" {
		if pdb != nil || hpa != nil {
			t.Error("dev keeps a PodDisruptionBudget or autoscaler for its single replica")
		}
		if deploy.Spec.Replicas == nil || *deploy.Spec.Replicas != 1 {
			t.Errorf("dev replicas %v, want 1 (SQLite in the pod)", deploy.Spec.Replicas)
		}
		return
	}
	if deploy.Spec.Replicas != nil {
		t.Errorf("replicas %d set beside an autoscaler: each apply would reset them", *deploy.Spec.Replicas)
	}
	if pdb == nil || !selects(pdb.Spec.Selector.MatchLabels, pod.Labels) {
		t.Errorf("PodDisruptionBudget %+v: want one selecting the pods", pdb)
	}
	if hpa == nil || hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != deploy.Name ||
		hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
		t.Errorf("HorizontalPodAutoscaler %+v: want one scaling the Deployment from at least 2", hpa)
	}
}

// selects reports whether every label of sel is in labels.
func selects(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestDecodeManifestsIsStrict makes sure the decoding above would catch a
// misspelt or misplaced field.
func TestDecodeManifestsIsStrict(t *testing.T) {
	for _, bad := range []string{
		"apiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 2\n",
		"apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: 80\n      targetport: http\n",
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n",
		"apiVersion: v1\nkind: Pod\n",
		"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 1\n  a: 2\n",
	} {
		if _, err := decodeManifests([]byte(bad)); err == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
}
