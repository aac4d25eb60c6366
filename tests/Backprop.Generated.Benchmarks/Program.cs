using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/Backprop.Generated.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(TrainStepBenchmarks).Assembly).Run(args);
