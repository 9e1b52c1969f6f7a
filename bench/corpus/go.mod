module github.com/svcgen/svcgen/bench/corpus

go 1.26
