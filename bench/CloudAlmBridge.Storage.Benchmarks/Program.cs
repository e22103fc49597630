BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(CloudAlmBridge.Storage.Benchmarks.OutboxBenchmarks).Assembly).Run(args);
