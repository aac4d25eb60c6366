using Backprop.Generated.Generator.Model;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Facts derived from a <see cref="NetworkModel"/> that every emitter needs: the element type, where
/// each W[l] and b[l] sits in the flat parameter array, and how each layer is written.
/// </summary>
internal sealed class EmitContext
{
    public const string GeneratorName = "Backprop.Generated.Generator";
    public const string GeneratorVersion = "0.1.0";
    public const string Runtime = "global::Backprop.Generated";

    /// <summary>The attribute every generated member carries (written by <see cref="SourceWriter.Member"/>).</summary>
    public const string GeneratedCodeAttribute = "[global::System.CodeDom.Compiler.GeneratedCode(\"" + GeneratorName + "\", \"" + GeneratorVersion + "\")]";

    /// <summary>The runtime's namespace of types only generated code calls (hidden from IntelliSense).</summary>
    public const string Internals = "global::Backprop.Generated.Internals";

    /// <summary>The runtime's kernel namespace.</summary>
    public const string Compute = "global::Backprop.Generated.Compute";

    public EmitContext(NetworkModel model)
    {
        Model = model;
        Sizes = model.LayerSizes.ToArray();
        L = Sizes.Length - 1;
        Plan = LayerPlanner.Plan(model);
        WeightOffset = new int[L + 1];
        BiasOffset = new int[L + 1];
        int offset = 0;
        for (int l = 1; l <= L; l++)
        {
            WeightOffset[l] = offset;
            offset += Sizes[l - 1] * Sizes[l];
            BiasOffset[l] = offset;
            offset += Sizes[l];
        }

        ParameterCount = offset;
        T = model.Precision == PrecisionKind.Single ? "float" : "double";
        Math = model.Precision == PrecisionKind.Single ? "global::System.MathF" : "global::System.Math";
    }

    public NetworkModel Model { get; }

    /// <summary>n_0 .. n_L.</summary>
    public int[] Sizes { get; }

    /// <summary>The number of layers with weights.</summary>
    public int L { get; }

    /// <summary>Strategy of layer l at index l - 1.</summary>
    public LayerStrategy[] Plan { get; }

    /// <summary>Offset of W[l] (index l; index 0 unused).</summary>
    public int[] WeightOffset { get; }

    /// <summary>Offset of b[l] (index l; index 0 unused).</summary>
    public int[] BiasOffset { get; }

    public int ParameterCount { get; }

    /// <summary>"float" or "double".</summary>
    public string T { get; }

    /// <summary>global::System.MathF or global::System.Math.</summary>
    public string Math { get; }

    /// <summary>
    /// Whether the parameters live in the instance itself, in an [InlineArray] struct field, instead of an aligned array
    /// on the heap: for the tiny networks whose every path is straight-line code over scalar weights (the register
    /// blocks' networks, <see cref="RegisterBlockWriter.Applies"/>), where no vector load of W[l] wants the 64-byte
    /// alignment and the one-example pass then reads each weight at a fixed offset from <c>this</c>, as hand-written
    /// code keeping its weights in fields does.
    /// </summary>
    public bool InlineParameters => RegisterBlockWriter.Applies(this);

    /// <summary>
    /// Elements the inline parameter block keeps after the last parameter: one <c>Vector512</c> of single precision, the
    /// <c>AlignedArray</c>'s tail padding. A partly filled last register of a register-held layer reads past the end of
    /// b[L] by at most one register less one element (15 at 512 bits), and those reads must stay inside the block.
    /// </summary>
    public const int ParameterBlockSlack = 16;

    /// <summary>
    /// The parameters as a <c>Span</c> of exactly <see cref="ParameterCount"/> elements: the aligned array's
    /// <c>.Span</c>, or the public <c>Parameters</c> property (the inline block without its slack).
    /// </summary>
    public string ParameterSpan => InlineParameters
        ? Rules.GeneratedMembers.Parameters
        : Rules.GeneratedMembers.ParameterStorage + ".Span";

    /// <summary>The parameters as an argument of exactly <see cref="ParameterCount"/> elements (serialization).</summary>
    public string ParameterValues => InlineParameters
        ? Rules.GeneratedMembers.Parameters
        : Rules.GeneratedMembers.ParameterStorage;

    public ActivationKind Activation(int layer) => Model.Activations[layer - 1];

    public LayerStrategy Strategy(int layer) => Plan[layer - 1];

    public string Real(double value) => Literals.Real(value, Model.Precision);

    public string Zero => Real(0);

    /// <summary>The name the design document uses, e.g. "sigmoid", "tanh", "softmax".</summary>
    public static string FormulaName(ActivationKind activation) => activation switch
    {
        ActivationKind.Identity => "identity",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.ReLU => "relu",
        ActivationKind.LeakyReLU => "leaky_relu",
        ActivationKind.ELU => "elu",
        ActivationKind.SiLU => "silu",
        ActivationKind.Softplus => "softplus",
        _ => "softmax",
    };

    /// <summary>
    /// g(z) of one scalar for an element-wise activation, as a call into the runtime: in single precision sigmoid and
    /// tanh use the same polynomials as the SIMD kernels (<c>Compute.Scalar&lt;float&gt;</c>), so one example and a
    /// batch agree; the rest use <c>ActivationFunctions</c>.
    /// </summary>
    public string ApplyElementwise(ActivationKind activation, string z) => activation switch
    {
        ActivationKind.Identity => z,
        ActivationKind.Sigmoid or ActivationKind.Tanh when Model.Precision == PrecisionKind.Single => $"{Compute}.UnrolledActivations.{activation}({z})",
        _ => $"{Internals}.ActivationFunctions.{activation}({z})",
    };

    /// <summary>The activation as a kernel type argument, e.g. <c>global::Backprop.Generated.Compute.Activations.ReLU</c>.</summary>
    public static string ActivationType(ActivationKind activation) => $"{Compute}.Activations.{activation}";

    /// <summary>"W2 is 3x1" with the sizes of layer l.</summary>
    public string Shape(int layer) => $"W{layer} is {Sizes[layer - 1]}x{Sizes[layer]}";
}
