using System;
using System.Linq;
using Backprop.Generated;

/// <summary>
/// <c>dotnet run -c Release -- --verify</c>: every peer against ArrayMlp (the plain reference) on every cell, from the
/// same parameters: one-example outputs, batch outputs, and the parameter change of one training step (so the
/// gradients are compared, not the parameters they barely move). Prints max abs differences; exit code 1 if any
/// exceeds its tolerance. ArrayMlp itself is compared with the generated code, which the unit tests check against PyTorch.
/// </summary>
public static class Verify
{
    private const float OutputTolerance = 1e-5f;
    private const float StepTolerance = 1e-4f; // relative to the largest parameter change

    public static int Run()
    {
        bool ok = true;
        ok &= Cells(Workloads.W1, new W1Net());
        ok &= Cells(Workloads.W2, new W2Net());
        ok &= Cells(Workloads.W3, new W3Net());
        ok &= Cells(Workloads.W4, new W4Net());
        ok &= Cells(Workloads.Digits, new DigitsNet());
        ok &= DigitsEpoch();
        Console.WriteLine(ok ? "verify: all peers agree" : "verify: FAILED");
        return ok ? 0 : 1;
    }

    private static bool Cells(Workload workload, INetwork<float> generated)
    {
        Console.WriteLine($"{workload.Name}");
        generated.InitializeParameters(Workloads.Seed);
        float[] theta = generated.Parameters.ToArray();
        var array = new ArrayMlp(workload, theta);
        var tiled = new TiledMlp(workload, theta, Workloads.Batch);
        var primitives = new TensorPrimitivesMlp(workload, theta, Workloads.Batch);
        using var onnx = new OnnxRuntimePeer(workload, theta, Workloads.Batch);
        HandUnrolledMlp? hand = HandUnrolledMlp.Create(workload, theta);
        RTNeuralPeer[] rtneural = RTNeuralPeer.Backends
            .Select(backend => RTNeuralPeer.Create(backend, workload, theta, check: false))
            .OfType<RTNeuralPeer>()
            .ToArray();
        int n0 = workload.Sizes[0], nL = workload.Sizes[^1], m = Workloads.Batch;
        (float[] x, float[] y) = Workloads.Data(workload, m, seed: 2);
        bool ok = true;

        float[] x1 = x.AsSpan(0, n0).ToArray();
        float[] reference = new float[nL];
        array.Forward(x1, reference);
        float[] output = new float[nL];
        generated.Forward(x1, output);
        ok &= Report("Forward", "Generated", output, reference, OutputTolerance);
        tiled.Forward(x1, output);
        ok &= Report("Forward", "Tiled", output, reference, OutputTolerance);
        primitives.Forward(x1, output);
        ok &= Report("Forward", "TensorPrimitives", output, reference, OutputTolerance);
        float[] generatedOutput = new float[nL];
        generated.Forward(x1, generatedOutput);
        x1.CopyTo(onnx.SingleInput, 0);
        onnx.RunSingle();
        ok &= Report("Forward", "OnnxRuntime", onnx.SingleOutput, reference, OutputTolerance);
        ok &= Report("Forward", "Onnx vs Generated", onnx.SingleOutput, generatedOutput, OutputTolerance);
        if (hand is not null)
        {
            hand.Forward(x1, output);
            ok &= Report("Forward", "Hand-unrolled", output, reference, OutputTolerance);
        }

        foreach (RTNeuralPeer peer in rtneural)
        {
            // Every example of the batch, one at a time (RTNeural has one-example inference only).
            float[] all = new float[m * nL];
            for (int i = 0; i < m; i++)
            {
                peer.Forward(x.AsSpan(i * n0, n0).ToArray(), output);
                output.CopyTo(all, i * nL);
            }

            float[] allReference = new float[m * nL];
            array.ForwardBatch(x, allReference);
            // A third-party library's wrong answer is reported, not counted as a failure: the timing modes leave that
            // peer out of the cell (RTNeuralPeer.Create checks it the same way).
            if (!Report("Forward x64 rows", peer.Name, all, allReference, OutputTolerance))
            {
                Console.WriteLine($"  {"",-18} {peer.Name,-17} wrong: left out of {workload.Name}'s timing (not a failure of this project)");
            }
        }

        float[] batchReference = new float[m * nL];
        array.ForwardBatch(x, batchReference);
        float[] batch = new float[m * nL];
        generated.ForwardBatch(x, batch);
        ok &= Report("ForwardBatch", "Generated", batch, batchReference, OutputTolerance);
        tiled.ForwardBatch(x, batch);
        ok &= Report("ForwardBatch", "Tiled", batch, batchReference, OutputTolerance);
        primitives.ForwardBatch(x, batch);
        ok &= Report("ForwardBatch", "TensorPrimitives", batch, batchReference, OutputTolerance);
        float[] generatedBatch = new float[m * nL];
        generated.ForwardBatch(x, generatedBatch);
        x.CopyTo(onnx.BatchInput, 0);
        onnx.RunBatch();
        ok &= Report("ForwardBatch", "OnnxRuntime", onnx.BatchOutput, batchReference, OutputTolerance);
        ok &= Report("ForwardBatch", "Onnx vs Generated", onnx.BatchOutput, generatedBatch, OutputTolerance);
        if (hand is not null)
        {
            hand.ForwardBatch(x, batch);
            ok &= Report("ForwardBatch", "Hand-unrolled", batch, batchReference, OutputTolerance);

            // A batch of 61 rows: a partial block of 5.
            float[] partial = new float[(m - 3) * nL];
            hand.ForwardBatch(x.AsSpan(0, (m - 3) * n0).ToArray(), partial);
            ok &= Report("ForwardBatch m=61", "Hand-unrolled", partial, batchReference.AsSpan(0, (m - 3) * nL).ToArray(), OutputTolerance);
        }

        // Two steps: the full batch of 64, then 61 rows (a partial block of 4 and of 8 rows), each step's change compared.
        float lr = 0.1f;
        foreach (int rows in new[] { m, m - 3 })
        {
            float[] xs = x.AsSpan(0, rows * n0).ToArray(), ys = y.AsSpan(0, rows * nL).ToArray();
            float[] before = new float[theta.Length];
            array.CopyParametersTo(before);
            float costReference = array.TrainStep(xs, ys, lr);
            float[] stepReference = Step(before, t => array.CopyParametersTo(t));
            Console.WriteLine($"  TrainStep m={rows}");
            generated.Parameters.CopyTo(before);
            float cost = generated.TrainStep(xs, ys, new Sgd(lr));
            ok &= ReportStep("Generated", Step(before, t => generated.Parameters.CopyTo(t)), stepReference, cost, costReference);
            tiled.CopyParametersTo(before);
            cost = tiled.TrainStep(xs, ys, lr);
            ok &= ReportStep("Tiled", Step(before, t => tiled.CopyParametersTo(t)), stepReference, cost, costReference);
            primitives.CopyParametersTo(before);
            cost = primitives.TrainStep(xs, ys, lr);
            ok &= ReportStep("TensorPrimitives", Step(before, t => primitives.CopyParametersTo(t)), stepReference, cost, costReference);
            if (hand is not null)
            {
                hand.CopyParametersTo(before);
                cost = hand.TrainStep(xs, ys, lr);
                ok &= ReportStep("Hand-unrolled", Step(before, t => hand.CopyParametersTo(t)), stepReference, cost, costReference);
            }
        }

        return ok;
    }

    /// <summary>One digits epoch (the benchmark's order, batch 32, lr 0.1) on each peer: parameters after it.</summary>
    private static bool DigitsEpoch()
    {
        Console.WriteLine("Digits epoch");
        var benchmark = new DigitsEpochBenchmarks();
        benchmark.Setup();
        var peers = new (string Name, Func<float> Epoch)[]
        {
            ("Generated", benchmark.Generated), ("Tiled", benchmark.Tiled), ("TensorPrimitives", benchmark.Primitives), ("ArrayMlp", benchmark.Array),
        };
        float[][] after = new float[peers.Length][];
        for (int p = 0; p < peers.Length; p++)
        {
            peers[p].Epoch();
            after[p] = benchmark.Parameters(peers[p].Name);
        }

        bool ok = true;
        float scale = after[^1].Max(MathF.Abs);
        for (int p = 0; p < peers.Length - 1; p++)
        {
            ok &= Report("epoch parameters", peers[p].Name, after[p], after[^1], 1e-3f * scale);
        }

        return ok;
    }

    private static float[] Step(float[] before, Action<float[]> copy)
    {
        float[] after = new float[before.Length];
        copy(after);
        for (int q = 0; q < after.Length; q++)
        {
            after[q] -= before[q];
        }

        return after;
    }

    private static bool ReportStep(string peer, float[] step, float[] reference, float cost, float costReference)
    {
        float scale = reference.Max(MathF.Abs);
        bool ok = Report("TrainStep change", peer, step, reference, StepTolerance * scale);
        float costDiff = MathF.Abs(cost - costReference);
        bool costOk = costDiff <= 1e-5f * Math.Max(1, MathF.Abs(costReference));
        Console.WriteLine($"  {"TrainStep cost",-18} {peer,-17} |dJ| = {costDiff:E2} (J = {costReference:G6}) {(costOk ? "ok" : "MISMATCH")}");
        return ok & costOk;
    }

    private static bool Report(string cell, string peer, float[] actual, float[] expected, float tolerance)
    {
        float max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float d = MathF.Abs(actual[i] - expected[i]);
            max = float.IsNaN(d) ? float.PositiveInfinity : Math.Max(max, d);
        }

        bool ok = max <= tolerance;
        Console.WriteLine($"  {cell,-18} {peer,-17} max abs diff {max:E2} (tolerance {tolerance:E1}) {(ok ? "ok" : "MISMATCH")}");
        return ok;
    }
}
