using System;
using System.IO;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>
/// What every generated network offers, so that generic code (<see cref="Trainer"/>,
/// <see cref="GradientCheck"/>, user code) works with any of them. The generator implements it on
/// every <c>[Network]</c> type, with <typeparamref name="T"/> = <see cref="float"/> or, for
/// <see cref="Precision.Double"/>, <see cref="double"/>.
/// </summary>
/// <typeparam name="T">The network's floating-point type.</typeparam>
/// <remarks>
/// Inference (<see cref="Forward"/>, <see cref="ForwardBatch"/>) is safe from many threads at once.
/// Training members (<see cref="ComputeGradients"/>, <see cref="TrainStep"/>) reuse per-instance
/// scratch buffers and must be called from one thread at a time. Each call may itself use several cores
/// (<see cref="MaxDegreeOfParallelism"/>).
/// </remarks>
public interface INetwork<T>
    where T : unmanaged
{
    /// <summary>n_0, the number of input features of one example.</summary>
    int InputSize { get; }

    /// <summary>n_L, the number of outputs of one example.</summary>
    int OutputSize { get; }

    /// <summary>L, the number of layers with weights.</summary>
    int LayerCount { get; }

    /// <summary>The number of weights and biases, the length of <see cref="Parameters"/>.</summary>
    int ParameterCount { get; }

    /// <summary>n_0, n_1, ..., n_L.</summary>
    ReadOnlySpan<int> LayerSizes { get; }

    /// <summary>
    /// The declaration the network was generated from: layer sizes n_0..n_L, the activation of each layer and the loss
    /// (the generated type's static <c>Topology</c>). Exporters such as ONNX read the activations from it.
    /// </summary>
    Serialization.NetworkTopology Topology { get; }

    /// <summary>
    /// All weights and biases: for l = 1..L, W[l] row-major with shape (n_{l-1}, n_l), then b[l].
    /// </summary>
    Span<T> Parameters { get; }

    /// <summary>
    /// The most threads one <see cref="ForwardBatch"/>, <see cref="ComputeGradients"/>, <see cref="TrainStep"/> or
    /// <c>Fit</c> call uses: -1 (the default) for all cores (<see cref="Environment.ProcessorCount"/>), 1 for the calling
    /// thread only, or any larger number. A call splits its rows over threads only when the batch is large enough, and the
    /// results are bit-identical for every value (docs/threading.md).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to 0 or below -1.</exception>
    int MaxDegreeOfParallelism { get; set; }

    /// <summary>Runs one example: <paramref name="output"/> = A[L] for A[0] = <paramref name="input"/>.</summary>
    /// <param name="input">n_0 features.</param>
    /// <param name="output">Receives n_L outputs.</param>
    void Forward(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>Runs m examples (row-major, m = inputs.Length / InputSize).</summary>
    /// <param name="inputs">X, m x n_0.</param>
    /// <param name="outputs">Receives A[L], m x n_L.</param>
    void ForwardBatch(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>
    /// Computes the cost J = (1/m) sum_i L_i of one batch and writes dJ/dtheta into
    /// <paramref name="gradients"/>, in exactly the layout of <see cref="Parameters"/>.
    /// </summary>
    /// <param name="inputs">X, m x n_0 row-major (m &gt;= 1).</param>
    /// <param name="targets">Y, m x n_L row-major.</param>
    /// <param name="gradients">Receives dJ/dtheta (ParameterCount values).</param>
    /// <returns>J.</returns>
    T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients);

    /// <summary>
    /// One step of training on one batch: computes the gradients, then lets <paramref name="optimizer"/>
    /// update <see cref="Parameters"/>.
    /// </summary>
    /// <param name="inputs">X, m x n_0 row-major (m &gt;= 1).</param>
    /// <param name="targets">Y, m x n_L row-major.</param>
    /// <param name="optimizer">The update rule (it keeps its own state, such as momentum).</param>
    /// <returns>J before the update.</returns>
    /// <exception cref="TrainingDivergedException">J or a gradient is not finite; the parameters are unchanged.</exception>
    T TrainStep(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, IOptimizer optimizer);

    /// <summary>
    /// Draws every weight from the layer's initialisation distribution (Glorot-uniform or He-uniform,
    /// see <see cref="Initialization"/>) and sets every bias to zero. Bit-identical on every platform for a given seed.
    /// </summary>
    /// <param name="seed">The seed of the random stream.</param>
    void InitializeParameters(int seed);

    /// <summary>
    /// Copies <paramref name="values"/> into <see cref="Parameters"/>, demanding exactly <see cref="ParameterCount"/>
    /// values (a span copy into the longer parameter span would silently load a prefix).
    /// </summary>
    /// <param name="values">Every weight and bias in the layout of <see cref="Parameters"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not have ParameterCount values; the
    /// parameters are unchanged.</exception>
    void LoadParameters(ReadOnlySpan<T> values);

    /// <summary>
    /// The parameters as a safetensors file (see <see cref="Serialization.SafeTensors"/>): <c>layers.{i}.weight</c>
    /// [n_l, n_{l-1}] and <c>layers.{i}.bias</c> [n_l] for i = l - 1, F32 or F64, with the layer sizes, activations
    /// and loss in <c>__metadata__</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite.</exception>
    byte[] ToSafeTensors();

    /// <summary>Writes the parameters to <paramref name="stream"/> as a safetensors file (see <see cref="ToSafeTensors"/>).</summary>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite; nothing is written.</exception>
    void Save(Stream stream);

    /// <summary>
    /// Writes the parameters as a safetensors file at <paramref name="path"/>, atomically (a temporary file in the same
    /// folder renamed over the target): a failed save leaves any existing file untouched.
    /// </summary>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite; nothing is written.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    void Save(string path);

    /// <summary>
    /// Loads a safetensors file (this library's names, or a PyTorch <c>nn.Sequential</c> state dict; F32, F64, F16 or
    /// BF16, converted to <typeparamref name="T"/>) into <see cref="Parameters"/>.
    /// </summary>
    /// <param name="safetensors">The whole file.</param>
    /// <exception cref="Serialization.SafeTensorsException">The file is malformed or does not fit this network; the
    /// message names the tensor and the expected and actual shapes, and the parameters are unchanged.</exception>
    void Load(ReadOnlySpan<byte> safetensors);

    /// <summary>Reads a safetensors file from <paramref name="stream"/> to its end and loads it as <see cref="Load(ReadOnlySpan{byte})"/> does.</summary>
    /// <exception cref="Serialization.SafeTensorsException">The content is malformed or does not fit; the parameters are unchanged.</exception>
    /// <exception cref="IOException">Reading failed; the parameters are unchanged.</exception>
    void Load(Stream stream);

    /// <summary>Reads the safetensors file at <paramref name="path"/> and loads it as <see cref="Load(ReadOnlySpan{byte})"/> does.</summary>
    /// <exception cref="Serialization.SafeTensorsException">The file is malformed or does not fit; the parameters are unchanged.</exception>
    /// <exception cref="IOException">The file cannot be read; the parameters are unchanged.</exception>
    void Load(string path);
}
