using System;

namespace Backprop.Generated;

/// <summary>
/// Asks the Backprop.Generated source generator to implement a fixed-topology multi-layer perceptron
/// on the annotated <c>partial</c> class.
/// </summary>
/// <remarks>
/// <para>
/// The sizes are n_0 (the number of input features), then n_1 ... n_L (the units of each layer).
/// Layer l computes Z[l] = A[l-1] W[l] + b[l] with W[l] of shape (n_{l-1}, n_l), then A[l] = g(Z[l]).
/// </para>
/// <example>
/// <code>
/// [Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
/// public partial class Student { }
/// </code>
/// </example>
/// </remarks>
/// <seealso cref="LayerAttribute">The layer-by-layer form of the same declaration, which generates the same members.</seealso>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Creates the attribute from the layer sizes n_0, n_1, ..., n_L.</summary>
    /// <param name="layerSizes">n_0 (inputs) followed by the number of units of each layer; at least two values.</param>
    public NetworkAttribute(params int[] layerSizes)
    {
        LayerSizes = layerSizes;
    }

    /// <summary>n_0 (inputs) followed by the number of units of each layer.</summary>
    public int[] LayerSizes { get; }

    /// <summary>Activation of the hidden layers 1 .. L-1. Defaults to <see cref="Activation.Tanh"/>.</summary>
    public Activation Hidden { get; set; } = Activation.Tanh;

    /// <summary>Activation of the output layer L. Defaults to <see cref="Activation.Identity"/>.</summary>
    public Activation Output { get; set; } = Activation.Identity;

    /// <summary>
    /// One activation per layer 1 .. L, for per-layer choice. When set, it must have exactly L entries
    /// and replaces <see cref="Hidden"/> and <see cref="Output"/> (which must then be left unset).
    /// </summary>
    public Activation[]? Activations { get; set; }

    /// <summary>The training loss. Defaults to <see cref="Generated.Loss.MeanSquaredError"/>.</summary>
    public Loss Loss { get; set; } = Loss.MeanSquaredError;

    /// <summary>The floating-point type of the generated code. Defaults to <see cref="Generated.Precision.Single"/>.</summary>
    public Precision Precision { get; set; } = Precision.Single;

    /// <summary>
    /// <see cref="Generated.Quantization.Int8"/> also generates a nested inference-only type <c>Int8</c> (made from the
    /// float parameters by <c>ToInt8()</c>, or empty by <c>new Int8()</c> for <c>Load</c>): int8 weights per output unit,
    /// activations quantised per example at run time, exact int32 sums (docs/int8.md). Needs
    /// <see cref="Generated.Precision.Single"/> (BPG032 otherwise). Defaults to <see cref="Generated.Quantization.None"/>.
    /// The <see cref="LayerAttribute"/> form has no such setting: a network that needs it is declared with [Network].
    /// </summary>
    public Quantization Quantization { get; set; } = Quantization.None;

    /// <summary>
    /// p, the dropout rate of every hidden layer 1..L-1, in [0, 1) (BPG016 otherwise; BPG017 for a network without a
    /// hidden layer). During training each hidden unit's activation is zeroed with probability p and the others are
    /// scaled by 1/(1 - p) (inverted dropout, as PyTorch's <c>nn.Dropout</c> and Keras's <c>Dropout</c> after the
    /// activation); <c>Forward</c> is unaffected. Defaults to 0 (no dropout). See docs/dropout.md for its status.
    /// </summary>
    public double Dropout { get; set; }

    /// <summary>
    /// The path of a safetensors file whose weights and biases the network starts with, baked into the assembly at
    /// build time: <c>new T()</c> then holds those parameters with no file I/O, no parsing and no allocation beyond the
    /// instance. The path is relative to the project directory (as an <c>AdditionalFiles</c> item's <c>Include</c> is),
    /// and the file must be listed in the project as <c>&lt;AdditionalFiles Include="models/digits.safetensors" /&gt;</c>.
    /// </summary>
    /// <remarks>
    /// <para>The file holds <c>layers.{i}.weight</c> with PyTorch <c>nn.Linear</c>'s shape [n_l, n_{l-1}] and
    /// <c>layers.{i}.bias</c> [n_l] for i = 0..L-1 (what <c>Save</c> writes), or an <c>nn.Sequential</c> state dict
    /// (<c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, ...), in F32, F64, F16 or BF16; the values are converted to
    /// <see cref="Precision"/>. The generator checks every tensor at build time: a file that is not listed (BPG050),
    /// that reaches the compiler as binary because the package's build logic is not imported (BPG051), that is not
    /// valid safetensors (BPG052), that lacks a tensor (BPG053), has an extra one (BPG054), a wrong shape (BPG055) or
    /// an unsupported dtype (BPG056) is a build error located on this argument.</para>
    /// <para>The compiler hands generators additional files as text only (a binary one fails with CS2015,
    /// dotnet/roslyn#47292), so the package's <c>build/Backprop.Generated.targets</c> writes each <c>.safetensors</c>
    /// additional file as base64 text under <c>$(IntermediateOutputPath)</c> before compilation and hands the compiler
    /// that text instead. See docs/serialization.md, "Weights baked in at build time". <see langword="null"/> (the
    /// default) bakes nothing: <c>new T()</c> starts with zero parameters.</para>
    /// <para>With <see cref="Quantization"/> = <c>Quantization.Int8</c> the generator quantises the file's weights per
    /// output unit at build time, exactly as <c>ToInt8()</c> does, and the assembly holds only the int8 weights, the
    /// per-unit scales and the biases (one byte per weight instead of four): <c>new T.Int8()</c> holds them, and <c>new T()</c>
    /// starts from their dequantised values W_ij = s_j q_ij. See docs/int8.md, "Baked weights".</para>
    /// </remarks>
    public string? Weights { get; set; }
}
