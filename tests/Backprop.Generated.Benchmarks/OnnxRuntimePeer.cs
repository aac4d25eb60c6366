using System;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// The ONNX Runtime peer (inference only): the workload's graph from <see cref="OnnxModelWriter"/> with the same
/// parameters, one intra-op and one inter-op thread, sequential execution, all graph optimisations (MatMul + Add fuse
/// into Gemm). Inputs and outputs are preallocated arrays wrapped in <see cref="OrtValue"/>s and bound once with an
/// <see cref="OrtIoBinding"/> for one row and for a batch, so a timed call is only <c>RunWithBinding</c>.
/// </summary>
public sealed class OnnxRuntimePeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _single;
    private readonly OrtIoBinding _batch;

    /// <param name="workload">The network shape.</param>
    /// <param name="parameters">The generated network's parameters.</param>
    /// <param name="batch">The rows of the batch binding.</param>
    /// <param name="defaultThreading">ONNX Runtime's own thread settings (an intra-op pool of one thread per physical
    /// core, spinning between runs) instead of one thread: the all-cores inference peer of issue 21.</param>
    public OnnxRuntimePeer(Workload workload, ReadOnlySpan<float> parameters, int batch, bool defaultThreading = false)
        : this(workload, OnnxModelWriter.Write(workload, parameters), batch, defaultThreading)
    {
    }

    /// <param name="workload">The network shape.</param>
    /// <param name="model">The ONNX model to run (for example <see cref="OnnxModelWriter.WriteDynamicInt8"/>'s).</param>
    /// <param name="batch">The rows of the batch binding.</param>
    /// <param name="defaultThreading">As for the other constructor.</param>
    public OnnxRuntimePeer(Workload workload, byte[] model, int batch, bool defaultThreading = false)
    {
        int n0 = workload.Sizes[0];
        int nL = workload.Sizes[^1];
        using var options = defaultThreading
            ? new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL }
            : new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
        _session = new InferenceSession(model, options);
        SingleInput = new float[n0];
        SingleOutput = new float[nL];
        BatchInput = new float[batch * n0];
        BatchOutput = new float[batch * nL];
        _values = new[]
        {
            OrtValue.CreateTensorValueFromMemory(SingleInput, new long[] { 1, n0 }),
            OrtValue.CreateTensorValueFromMemory(SingleOutput, new long[] { 1, nL }),
            OrtValue.CreateTensorValueFromMemory(BatchInput, new long[] { batch, n0 }),
            OrtValue.CreateTensorValueFromMemory(BatchOutput, new long[] { batch, nL }),
        };
        _single = _session.CreateIoBinding();
        _single.BindInput("X", _values[0]);
        _single.BindOutput("Y", _values[1]);
        _batch = _session.CreateIoBinding();
        _batch.BindInput("X", _values[2]);
        _batch.BindOutput("Y", _values[3]);
    }

    /// <summary>The bound input of one row (n_0 values); write the example here before <see cref="RunSingle"/>.</summary>
    public float[] SingleInput { get; }

    public float[] SingleOutput { get; }

    /// <summary>The bound batch input (m x n_0).</summary>
    public float[] BatchInput { get; }

    public float[] BatchOutput { get; }

    public void RunSingle() => _session.RunWithBinding(_runOptions, _single);

    public void RunBatch() => _session.RunWithBinding(_runOptions, _batch);

    public void Dispose()
    {
        _single.Dispose();
        _batch.Dispose();
        foreach (OrtValue value in _values)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }
}
