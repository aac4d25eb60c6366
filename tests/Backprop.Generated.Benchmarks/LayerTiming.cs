using System;
using System.Diagnostics;
using Backprop.Generated.Compute;

/// <summary>
/// <c>--layers</c>: a rough Stopwatch timing of each step of W3's ForwardBatch (m = 64) on its own, for development:
/// the input transpose, each layer's kernel and the output transpose. Not a published figure.
/// </summary>
public static class LayerTiming
{
    private readonly struct L1 : IDenseLayer
    {
        public static int Inputs => 16;
        public static int Units => 64;
        public static int WeightOffset => 0;
        public static int BiasOffset => 1024;
    }

    private readonly struct L2 : IDenseLayer
    {
        public static int Inputs => 64;
        public static int Units => 64;
        public static int WeightOffset => 1088;
        public static int BiasOffset => 1088 + 4096;
    }

    private readonly struct L3 : IDenseLayer
    {
        public static int Inputs => 64;
        public static int Units => 8;
        public static int WeightOffset => 1088 + 4160;
        public static int BiasOffset => 1088 + 4160 + 512;
    }

    private readonly struct D1 : IDenseLayer
    {
        public static int Inputs => 64;
        public static int Units => 32;
        public static int WeightOffset => 0;
        public static int BiasOffset => 2048;
    }

    private readonly struct D2 : IDenseLayer
    {
        public static int Inputs => 32;
        public static int Units => 10;
        public static int WeightOffset => 2080;
        public static int BiasOffset => 2400;
    }

    private readonly struct F1 : IDenseLayer
    {
        public static int Inputs => 784;
        public static int Units => 128;
        public static int WeightOffset => 0;
        public static int BiasOffset => 100352;
    }

    private readonly struct F2 : IDenseLayer
    {
        public static int Inputs => 128;
        public static int Units => 10;
        public static int WeightOffset => 100480;
        public static int BiasOffset => 101760;
    }

    /// <summary><c>--layers w4</c>: each step of one W4 training step (784-128-10, m = 64).</summary>
    public static void RunW4()
    {
        var net = new W4Net();
        net.InitializeParameters(Workloads.Seed);
        var p = new AlignedArray<float>(net.Parameters.Length);
        net.Parameters.CopyTo(p.Span);
        const int m = 64;
        (float[] x, float[] y) = Workloads.Data(Workloads.W4, m, seed: 2);
        int s = Dense.LaneStride;
        var a0 = new AlignedArray<float>(784 * s);
        var z1 = new AlignedArray<float>(128 * s);
        var a1 = new AlignedArray<float>(128 * s);
        var dz1 = new AlignedArray<float>(128 * s);
        var z2 = new AlignedArray<float>(10 * s);
        var a2 = new AlignedArray<float>(10 * s);
        var dz2 = new AlignedArray<float>(10 * s);
        var yl = new AlignedArray<float>(10 * s);
        var loss = new AlignedArray<float>(s);
        var rowsBuffer = new AlignedArray<float>(Dense.BlockRows * Dense.GradientStride(128));
        var sums1 = new AlignedArray<float>(785 * Dense.GradientStride(128));
        var sums2 = new AlignedArray<float>(129 * Dense.GradientStride(10));
        var gradients = new AlignedArray<float>(p.Length);
        Dense.ToLanes<float>(x, 784, m, a0);
        Dense.ToLanes<float>(y, 10, m, yl);
        Console.WriteLine($"ToLanes X, Y     {Time(() => { Dense.ToLanes<float>(x, 784, m, a0); Dense.ToLanes<float>(y, 10, m, yl); }, 20),10:N1} ns");
        Console.WriteLine($"L1 fwd (relu)    {Time(() => Dense.ForwardBlock<F1, Activations.ReLU, float>(p, a0, z1, a1, m), 20),10:N1} ns  (12,845,056 FLOPs)");
        Console.WriteLine($"L2 fwd (softmax) {Time(() => Dense.ForwardBlock<F2, Activations.Softmax, float>(p, a1, z2, a2, m), 20),10:N1} ns  (163,840 FLOPs)");
        Console.WriteLine($"CE delta         {Time(() => Dense.CrossEntropyDelta<float>(10, z2, a2, yl, dz2, loss, m), 20),10:N1} ns");
        Console.WriteLine($"dW2 += A1^T dZ2  {Time(() => Dense.AccumulateGradients<F2, float>(a1, dz2, rowsBuffer, sums2, m), 20),10:N1} ns  (163,840 FLOPs)");
        Console.WriteLine($"dZ1 = dZ2 W2^T   {Time(() => Dense.BackwardBlock<F2, Activations.ReLU, float>(p, dz2, z1, a1, dz1, m), 20),10:N1} ns  (163,840 FLOPs)");
        Console.WriteLine($"dW1 += A0^T dZ1  {Time(() => Dense.AccumulateGradients<F1, float>(a0, dz1, rowsBuffer, sums1, m), 20),10:N1} ns  (12,845,056 FLOPs)");
        var allSums = new AlignedArray<float>(sums1.Span.Length + sums2.Span.Length);
        int[] sizes = W4Net.LayerSizes.ToArray();
        Console.WriteLine($"WriteGradients   {Time(() => Dense.WriteGradients<float>(allSums, gradients, 1f / m, sizes), 20),10:N1} ns");
        var sgd = new Backprop.Generated.Sgd(1e-9);
        Console.WriteLine($"Sgd.Step         {Time(() => sgd.Step(p.Span, gradients.Span), 20),10:N1} ns");
        Console.WriteLine($"EnsureFinite     {Time(() => Backprop.Generated.Internals.TrainingGuard.EnsureFinite(0.5f, gradients.Span), 20),10:N1} ns");
        Console.WriteLine($"TrainStep m=64   {Time(() => net.TrainStep(x, y, sgd), 20),10:N1} ns  (26,181,632 FLOPs)");
    }

    /// <summary><c>--layers digits</c>: each step of one digits training step (64-32-10, m = 32).</summary>
    public static void RunDigits()
    {
        var net = new DigitsNet();
        net.InitializeParameters(Workloads.Seed);
        float[] p = net.Parameters.ToArray();
        const int m = 32;
        var x = new float[m * 64];
        var y = new float[m * 10];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)Math.Sin(i);
        }

        for (int i = 0; i < m; i++)
        {
            y[(i * 10) + (i % 10)] = 1;
        }

        int s = Dense.LaneStride;
        var a0 = new AlignedArray<float>(64 * s);
        var z1 = new AlignedArray<float>(32 * s);
        var a1 = new AlignedArray<float>(32 * s);
        var dz1 = new AlignedArray<float>(32 * s);
        var z2 = new AlignedArray<float>(10 * s);
        var a2 = new AlignedArray<float>(10 * s);
        var dz2 = new AlignedArray<float>(10 * s);
        var yl = new AlignedArray<float>(10 * s);
        var loss = new AlignedArray<float>(s);
        var rowsBuffer = new AlignedArray<float>(Dense.BlockRows * Dense.GradientStride(32));
        var sums1 = new AlignedArray<float>(65 * Dense.GradientStride(32));
        var sums2 = new AlignedArray<float>(33 * Dense.GradientStride(10));
        var gradients = new AlignedArray<float>(p.Length);
        Dense.ToLanes<float>(x, 64, m, a0);
        Dense.ToLanes<float>(y, 10, m, yl);
        Console.WriteLine($"ToLanes X, Y     {Time(() => { Dense.ToLanes<float>(x, 64, m, a0); Dense.ToLanes<float>(y, 10, m, yl); }),10:N1} ns");
        Console.WriteLine($"L1 fwd (tanh)    {Time(() => Dense.ForwardBlock<D1, Activations.Tanh, float>(p, a0, z1, a1, m)),10:N1} ns  (131,072 FLOPs)");
        Console.WriteLine($"L2 fwd (softmax) {Time(() => Dense.ForwardBlock<D2, Activations.Softmax, float>(p, a1, z2, a2, m)),10:N1} ns  (20,480 FLOPs)");
        Console.WriteLine($"CE delta         {Time(() => Dense.CrossEntropyDelta<float>(10, z2, a2, yl, dz2, loss, m)),10:N1} ns");
        Console.WriteLine($"dW2 += A1^T dZ2  {Time(() => Dense.AccumulateGradients<D2, float>(a1, dz2, rowsBuffer, sums2, m)),10:N1} ns  (20,480 FLOPs)");
        Console.WriteLine($"dZ1 = dZ2 W2^T   {Time(() => Dense.BackwardBlock<D2, Activations.Tanh, float>(p, dz2, z1, a1, dz1, m)),10:N1} ns  (20,480 FLOPs)");
        Console.WriteLine($"dW1 += A0^T dZ1  {Time(() => Dense.AccumulateGradients<D1, float>(a0, dz1, rowsBuffer, sums1, m)),10:N1} ns  (131,072 FLOPs)");
        var allSums = new AlignedArray<float>(sums1.Span.Length + sums2.Span.Length);
        int[] sizes = DigitsNet.LayerSizes.ToArray();
        Console.WriteLine($"WriteGradients   {Time(() => Dense.WriteGradients<float>(allSums, gradients, 1f / m, sizes)),10:N1} ns");
        var sgd = new Backprop.Generated.Sgd(0.1);
        Console.WriteLine($"Sgd.Step         {Time(() => sgd.Step(p, gradients.Span)),10:N1} ns");
        Console.WriteLine($"EnsureFinite     {Time(() => Backprop.Generated.Internals.TrainingGuard.EnsureFinite(0.5f, gradients.Span)),10:N1} ns");
        var sgd2 = new Backprop.Generated.Sgd(1e-9);
        Console.WriteLine($"TrainStep m=32   {Time(() => net.TrainStep(x, y, sgd2)),10:N1} ns");
    }

    public static void Run()
    {
        var net = new W3Net();
        net.InitializeParameters(Workloads.Seed);
        float[] p = net.Parameters.ToArray();
        var x = new float[64 * 16];
        new Random(1).NextBytes(new byte[1]);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)Math.Sin(i);
        }

        var a0 = new AlignedArray<float>(16 * Dense.LaneStride);
        var a1 = new AlignedArray<float>(64 * Dense.LaneStride);
        var a2 = new AlignedArray<float>(64 * Dense.LaneStride);
        var a3 = new AlignedArray<float>(8 * Dense.LaneStride);
        var y = new float[64 * 8];
        Console.WriteLine($"ToLanes      {Time(() => Dense.ToLanes<float>(x, 16, 64, a0)),10:N1} ns");
        Console.WriteLine($"Layer 1      {Time(() => Dense.ForwardBlock<L1, Activations.ReLU, float>(p, a0, default, a1, 64)),10:N1} ns  (131,072 FLOPs: {131072 / 32.0 / 3.24:N0} ns at peak)");
        Console.WriteLine($"Layer 2      {Time(() => Dense.ForwardBlock<L2, Activations.ReLU, float>(p, a1, default, a2, 64)),10:N1} ns  (524,288 FLOPs: {524288 / 32.0 / 3.24:N0} ns at peak)");
        Console.WriteLine($"Layer 3      {Time(() => Dense.ForwardBlock<L3, Activations.Identity, float>(p, a2, default, a3, 64)),10:N1} ns  (65,536 FLOPs: {65536 / 32.0 / 3.24:N0} ns at peak)");
        Console.WriteLine($"FromLanes    {Time(() => Dense.FromLanes<float>(a3, 8, 64, y)),10:N1} ns");
        var z1 = new AlignedArray<float>(64 * Dense.LaneStride);
        var z2 = new AlignedArray<float>(64 * Dense.LaneStride);
        var z3 = new AlignedArray<float>(8 * Dense.LaneStride);
        var dz1 = new AlignedArray<float>(64 * Dense.LaneStride);
        var dz2 = new AlignedArray<float>(64 * Dense.LaneStride);
        var dz3 = new AlignedArray<float>(8 * Dense.LaneStride);
        var targets = new AlignedArray<float>(8 * Dense.LaneStride);
        var loss = new AlignedArray<float>(Dense.LaneStride);
        var rowsBuffer = new AlignedArray<float>(Dense.BlockRows * Dense.GradientStride(64));
        var sums1 = new AlignedArray<float>(17 * Dense.GradientStride(64));
        var sums2 = new AlignedArray<float>(65 * Dense.GradientStride(64));
        var sums3 = new AlignedArray<float>(65 * Dense.GradientStride(8));
        var gradients = new AlignedArray<float>(p.Length);
        Dense.ForwardBlock<L1, Activations.ReLU, float>(p, a0, z1, a1, 64);
        Dense.ForwardBlock<L2, Activations.ReLU, float>(p, a1, z2, a2, 64);
        Dense.ForwardBlock<L3, Activations.Identity, float>(p, a2, z3, a3, 64);
        Console.WriteLine($"train L1 fwd {Time(() => Dense.ForwardBlock<L1, Activations.ReLU, float>(p, a0, z1, a1, 64)),10:N1} ns");
        Console.WriteLine($"train L2 fwd {Time(() => Dense.ForwardBlock<L2, Activations.ReLU, float>(p, a1, z2, a2, 64)),10:N1} ns");
        Console.WriteLine($"train L3 fwd {Time(() => Dense.ForwardBlock<L3, Activations.Identity, float>(p, a2, z3, a3, 64)),10:N1} ns");
        Console.WriteLine($"MSE delta    {Time(() => Dense.MeanSquaredErrorDelta<Activations.Identity, float>(8, z3, a3, targets, dz3, loss, 64)),10:N1} ns");
        Console.WriteLine($"dW3 += A2^T dZ3 {Time(() => Dense.AccumulateGradients<L3, float>(a2, dz3, rowsBuffer, sums3, 64)),7:N1} ns  (65,536 FLOPs: {65536 / 32.0 / 3.24:N0} ns at peak)");
        Console.WriteLine($"dZ2 = dZ3 W3^T {Time(() => Dense.BackwardBlock<L3, Activations.ReLU, float>(p, dz3, z2, a2, dz2, 64)),8:N1} ns  (65,536 FLOPs)");
        Console.WriteLine($"dW2 += A1^T dZ2 {Time(() => Dense.AccumulateGradients<L2, float>(a1, dz2, rowsBuffer, sums2, 64)),7:N1} ns  (524,288 FLOPs: {524288 / 32.0 / 3.24:N0} ns at peak)");
        Console.WriteLine($"dZ1 = dZ2 W2^T {Time(() => Dense.BackwardBlock<L2, Activations.ReLU, float>(p, dz2, z1, a1, dz1, 64)),8:N1} ns  (524,288 FLOPs)");
        Console.WriteLine($"dW1 += A0^T dZ1 {Time(() => Dense.AccumulateGradients<L1, float>(a0, dz1, rowsBuffer, sums1, 64)),7:N1} ns  (131,072 FLOPs)");
        var allSums = new AlignedArray<float>(sums1.Span.Length + sums2.Span.Length + sums3.Span.Length);
        int[] sizes = W3Net.LayerSizes.ToArray();
        Console.WriteLine($"WriteGradients {Time(() => Dense.WriteGradients<float>(allSums, gradients, 1f / 64, sizes)),8:N1} ns");
        var sgd = new Backprop.Generated.Sgd(0.01);
        Console.WriteLine($"Sgd.Step     {Time(() => sgd.Step(p, gradients.Span)),10:N1} ns");
        Console.WriteLine($"EnsureFinite {Time(() => Backprop.Generated.Internals.TrainingGuard.EnsureFinite(0.5f, gradients.Span)),10:N1} ns");
        float[] ys = new float[64 * 8];
        Console.WriteLine($"TrainStep    {Time(() => net.TrainStep(x, ys, sgd)),10:N1} ns");
        float[] all = new float[64 * 16];
        float[] outs = new float[64 * 8];
        Array.Copy(x, all, all.Length);
        Console.WriteLine($"ForwardBatch {Time(() => net.ForwardBatch(all, outs)),10:N1} ns");
    }

    private static double Time(Action action) => Time(action, 200);

    private static double Time(Action action, int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            action();
        }

        double best = double.MaxValue;
        for (int round = 0; round < 150; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                action();
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls);
        }

        if (Environment.GetEnvironmentVariable("LAYERS_MEDIAN") == "1")
        {
            Console.Write($"[median {Median(action, calls):N0}] ");
        }

        return best;
    }

    private static double Median(Action action, int calls)
    {
        var times = new double[150];
        for (int round = 0; round < times.Length; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                action();
            }

            times[round] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls;
        }

        Array.Sort(times);
        return times[times.Length / 2];
    }
}
