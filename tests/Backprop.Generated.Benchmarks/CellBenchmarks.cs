using System;
using System.Collections.Generic;
using Backprop.Generated;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

/// <summary>
/// The three cells of one workload, each a category whose baseline is the generated code, so every peer's Ratio column
/// reads peer time / generated time:
/// <list type="bullet">
/// <item><c>Forward</c>: one example;</item>
/// <item><c>ForwardBatch m=64</c>: 64 examples in one call;</item>
/// <item><c>TrainStep m=64</c>: cost, gradients and a plain SGD update (lr = <see cref="Workloads.LearningRate"/> for all).</item>
/// </list>
/// Every peer starts from a copy of the generated network's <c>InitializeParameters(Workloads.Seed)</c>. The generated
/// methods live in the derived classes so that they are called on the sealed generated type, not through an interface.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class CellBenchmarks
{
    public const string Forward = "Forward";
    public const string ForwardBatch = "ForwardBatch m=64";
    public const string TrainStep = "TrainStep m=64";

    protected ArrayMlp ArrayPeer = null!;
    protected TiledMlp TiledPeer = null!;
    protected TensorPrimitivesMlp PrimitivesPeer = null!;
    protected OnnxRuntimePeer OnnxPeer = null!;
    protected HandUnrolledMlp? HandPeer;
    protected RTNeuralPeer? EigenPeer, XsimdPeer;

    /// <summary>The hand-unrolled peer (W1 and W2 on x64 with AVX2 and FMA).</summary>
    protected HandUnrolledMlp Hand => HandPeer ?? throw new PlatformNotSupportedException("the hand-unrolled peer needs AVX2 and FMA");
    protected float[] X1 = null!, Y1 = null!, XB = null!, YB = null!, XT = null!, TT = null!;
    protected readonly Sgd Sgd = new(Workloads.LearningRate);

    public abstract Workload Workload { get; }

    protected abstract INetwork<float> Generated { get; }

    [GlobalSetup]
    public void Setup()
    {
        Generated.InitializeParameters(Workloads.Seed);
        float[] theta = Generated.Parameters.ToArray();
        ArrayPeer = new ArrayMlp(Workload, theta);
        TiledPeer = new TiledMlp(Workload, theta, Workloads.Batch);
        PrimitivesPeer = new TensorPrimitivesMlp(Workload, theta, Workloads.Batch);
        OnnxPeer = new OnnxRuntimePeer(Workload, theta, Workloads.Batch);
        HandPeer = HandUnrolledMlp.Create(Workload, theta);
        EigenPeer = RTNeuralPeer.Create("Eigen", Workload, theta);
        XsimdPeer = RTNeuralPeer.Create("xsimd", Workload, theta);
        (XB, _) = Workloads.Data(Workload, Workloads.Batch, seed: 1);
        (XT, TT) = Workloads.Data(Workload, Workloads.Batch, seed: 2);
        X1 = XB.AsSpan(0, Workload.Sizes[0]).ToArray();
        Y1 = new float[Workload.Sizes[^1]];
        YB = new float[Workloads.Batch * Workload.Sizes[^1]];
        X1.CopyTo(OnnxPeer.SingleInput, 0);
        XB.CopyTo(OnnxPeer.BatchInput, 0);
        EigenPeer?.Forward(X1, Y1);
        XsimdPeer?.Forward(X1, Y1);
    }

    [GlobalCleanup]
    public void Cleanup() => OnnxPeer.Dispose();

    /// <summary>
    /// Every benchmark of this class as (category: peer, action, timer), for <see cref="QuickTiming"/> and
    /// <see cref="PairedTiming"/>; the timer, where not null, times n calls itself and returns ns per call (RTNeural's
    /// loop in C++). The hand-unrolled peer exists for W1 and W2 only, RTNeural only where its library was built.
    /// </summary>
    public (string Name, Action Action, Func<long, double>? Timer)[] Cells()
    {
        var cells = new List<(string Name, Action Action, Func<long, double>? Timer)>
        {
            ($"{Forward}: Generated", GeneratedForward, null), ($"{Forward}: Tiled", Tiled_Forward, null),
            ($"{Forward}: TensorPrimitives", Primitives_Forward, null), ($"{Forward}: OnnxRuntime", Onnx_Forward, null),
            ($"{Forward}: ArrayMlp", Array_Forward, null),
        };
        if (HandPeer is not null)
        {
            cells.Add(($"{Forward}: Hand-unrolled", () => HandPeer.Forward(X1, Y1), null));
        }

        foreach (RTNeuralPeer? rt in new[] { EigenPeer, XsimdPeer })
        {
            if (rt is not null)
            {
                cells.Add(($"{Forward}: {rt.Name}", () => rt.Forward(X1, Y1), rt.TimeForward));
            }
        }

        cells.AddRange(new (string, Action, Func<long, double>?)[]
        {
            ($"{ForwardBatch}: Generated", GeneratedForwardBatch, null), ($"{ForwardBatch}: Tiled", Tiled_ForwardBatch, null),
            ($"{ForwardBatch}: TensorPrimitives", Primitives_ForwardBatch, null), ($"{ForwardBatch}: OnnxRuntime", Onnx_ForwardBatch, null),
            ($"{ForwardBatch}: ArrayMlp", Array_ForwardBatch, null),
        });
        if (HandPeer is not null)
        {
            cells.Add(($"{ForwardBatch}: Hand-unrolled", () => HandPeer.ForwardBatch(XB, YB), null));
        }

        cells.AddRange(new (string, Action, Func<long, double>?)[]
        {
            ($"{TrainStep}: Generated", () => GeneratedTrainStep(), null), ($"{TrainStep}: Tiled", () => Tiled_TrainStep(), null),
            ($"{TrainStep}: TensorPrimitives", () => Primitives_TrainStep(), null), ($"{TrainStep}: ArrayMlp", () => Array_TrainStep(), null),
        });
        if (HandPeer is not null)
        {
            cells.Add(($"{TrainStep}: Hand-unrolled", () => HandPeer.TrainStep(XT, TT, Workloads.LearningRate), null));
        }

        return cells.ToArray();
    }

    protected abstract void GeneratedForward();

    protected abstract void GeneratedForwardBatch();

    protected abstract float GeneratedTrainStep();

    [Benchmark(Description = "Tiled (hand-written)")]
    [BenchmarkCategory(Forward)]
    public void Tiled_Forward() => TiledPeer.Forward(X1, Y1);

    [Benchmark(Description = "TensorPrimitives")]
    [BenchmarkCategory(Forward)]
    public void Primitives_Forward() => PrimitivesPeer.Forward(X1, Y1);

    [Benchmark(Description = "OnnxRuntime")]
    [BenchmarkCategory(Forward)]
    public void Onnx_Forward() => OnnxPeer.RunSingle();

    [Benchmark(Description = "ArrayMlp")]
    [BenchmarkCategory(Forward)]
    public void Array_Forward() => ArrayPeer.Forward(X1, Y1);

    [Benchmark(Description = "RTNeural Eigen")]
    [BenchmarkCategory(Forward)]
    public void RTNeuralEigen_Forward() => (EigenPeer ?? throw NotBuilt("Eigen")).Forward(X1, Y1);

    [Benchmark(Description = "RTNeural xsimd")]
    [BenchmarkCategory(Forward)]
    public void RTNeuralXsimd_Forward() => (XsimdPeer ?? throw NotBuilt("xsimd")).Forward(X1, Y1);

    [Benchmark(Description = "Tiled (hand-written)")]
    [BenchmarkCategory(ForwardBatch)]
    public void Tiled_ForwardBatch() => TiledPeer.ForwardBatch(XB, YB);

    [Benchmark(Description = "TensorPrimitives")]
    [BenchmarkCategory(ForwardBatch)]
    public void Primitives_ForwardBatch() => PrimitivesPeer.ForwardBatch(XB, YB);

    [Benchmark(Description = "OnnxRuntime")]
    [BenchmarkCategory(ForwardBatch)]
    public void Onnx_ForwardBatch() => OnnxPeer.RunBatch();

    [Benchmark(Description = "ArrayMlp")]
    [BenchmarkCategory(ForwardBatch)]
    public void Array_ForwardBatch() => ArrayPeer.ForwardBatch(XB, YB);

    [Benchmark(Description = "Tiled (hand-written)")]
    [BenchmarkCategory(TrainStep)]
    public float Tiled_TrainStep() => TiledPeer.TrainStep(XT, TT, Workloads.LearningRate);

    [Benchmark(Description = "TensorPrimitives")]
    [BenchmarkCategory(TrainStep)]
    public float Primitives_TrainStep() => PrimitivesPeer.TrainStep(XT, TT, Workloads.LearningRate);

    [Benchmark(Description = "ArrayMlp")]
    [BenchmarkCategory(TrainStep)]
    public float Array_TrainStep() => ArrayPeer.TrainStep(XT, TT, Workloads.LearningRate);

    private static InvalidOperationException NotBuilt(string backend) =>
        new($"RTNeural {backend}: not built (rtneural/build.sh; run.sh calls it), or left out as wrong for this workload: no figure for this peer");
}

public class W1Benchmarks : CellBenchmarks
{
    private readonly W1Net _net = new();

    public override Workload Workload => Workloads.W1;

    protected override INetwork<float> Generated => _net;

    protected override void GeneratedForward() => Generated_Forward();

    protected override void GeneratedForwardBatch() => Generated_ForwardBatch();

    protected override float GeneratedTrainStep() => Generated_TrainStep();

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(Forward)]
    public void Generated_Forward() => _net.Forward(X1, Y1);

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(ForwardBatch)]
    public void Generated_ForwardBatch() => _net.ForwardBatch(XB, YB);

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(TrainStep)]
    public float Generated_TrainStep() => _net.TrainStep(XT, TT, Sgd);

    [Benchmark(Description = "Hand-unrolled")]
    [BenchmarkCategory(Forward)]
    public void Hand_Forward() => Hand.Forward(X1, Y1);

    [Benchmark(Description = "Hand-unrolled")]
    [BenchmarkCategory(ForwardBatch)]
    public void Hand_ForwardBatch() => Hand.ForwardBatch(XB, YB);

    [Benchmark(Description = "Hand-unrolled")]
    [BenchmarkCategory(TrainStep)]
    public float Hand_TrainStep() => Hand.TrainStep(XT, TT, Workloads.LearningRate);
}

public class W2Benchmarks : CellBenchmarks
{
    private readonly W2Net _net = new();

    public override Workload Workload => Workloads.W2;

    protected override INetwork<float> Generated => _net;

    protected override void GeneratedForward() => Generated_Forward();

    protected override void GeneratedForwardBatch() => Generated_ForwardBatch();

    protected override float GeneratedTrainStep() => Generated_TrainStep();

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(Forward)]
    public void Generated_Forward() => _net.Forward(X1, Y1);

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(ForwardBatch)]
    public void Generated_ForwardBatch() => _net.ForwardBatch(XB, YB);

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(TrainStep)]
    public float Generated_TrainStep() => _net.TrainStep(XT, TT, Sgd);

    [Benchmark(Description = "Hand-unrolled")]
    [BenchmarkCategory(Forward)]
    public void Hand_Forward() => Hand.Forward(X1, Y1);

    [Benchmark(Description = "Hand-unrolled")]
    [BenchmarkCategory(ForwardBatch)]
    public void Hand_ForwardBatch() => Hand.ForwardBatch(XB, YB);

    [Benchmark(Description = "Hand-unrolled")]
    [BenchmarkCategory(TrainStep)]
    public float Hand_TrainStep() => Hand.TrainStep(XT, TT, Workloads.LearningRate);
}

public class W3Benchmarks : CellBenchmarks
{
    private readonly W3Net _net = new();

    public override Workload Workload => Workloads.W3;

    protected override INetwork<float> Generated => _net;

    protected override void GeneratedForward() => Generated_Forward();

    protected override void GeneratedForwardBatch() => Generated_ForwardBatch();

    protected override float GeneratedTrainStep() => Generated_TrainStep();

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(Forward)]
    public void Generated_Forward() => _net.Forward(X1, Y1);

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(ForwardBatch)]
    public void Generated_ForwardBatch() => _net.ForwardBatch(XB, YB);

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(TrainStep)]
    public float Generated_TrainStep() => _net.TrainStep(XT, TT, Sgd);
}

public class W4Benchmarks : CellBenchmarks
{
    private readonly W4Net _net = new();

    public override Workload Workload => Workloads.W4;

    protected override INetwork<float> Generated => _net;

    protected override void GeneratedForward() => Generated_Forward();

    protected override void GeneratedForwardBatch() => Generated_ForwardBatch();

    protected override float GeneratedTrainStep() => Generated_TrainStep();

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(Forward)]
    public void Generated_Forward() => _net.Forward(X1, Y1);

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(ForwardBatch)]
    public void Generated_ForwardBatch() => _net.ForwardBatch(XB, YB);

    [Benchmark(Baseline = true, Description = "Generated")]
    [BenchmarkCategory(TrainStep)]
    public float Generated_TrainStep() => _net.TrainStep(XT, TT, Sgd);
}
