module github.com/svcgen/svcgen/bench/served

go 1.24
