using System;

namespace Backprop.Generated;

/// <summary>
/// Declares one layer of a fixed-topology multi-layer perceptron on the annotated <c>partial</c>
/// class, in the design document's own terms: layer l maps n_{l-1} inputs to n_l outputs with
/// W[l] of shape (n_{l-1}, n_l), Z[l] = A[l-1] W[l] + b[l], A[l] = g(Z[l]).
/// </summary>
/// <remarks>
/// <para>
/// Layers apply in the order the <c>[Layer]</c> attributes are written, top to bottom (left to right
/// within one attribute list). Each layer's <c>inputs</c> must equal the previous layer's
/// <c>outputs</c>; a mismatch is error BPG020 on the wrong <c>inputs</c> argument, with a code fix.
/// All <c>[Layer]</c> attributes of a type must be on one of its partial declarations (BPG022), and a
/// type uses either <c>[Layer]</c> or <see cref="NetworkAttribute"/>, never both (BPG021). A chain cannot be
/// empty: a type without any <c>[Layer]</c> is not a network (the empty <c>[Network]</c> is BPG003).
/// </para>
/// <para>
/// <b>Default activation.</b> When <c>activation</c> is omitted, the layer gets the same default as
/// <see cref="NetworkAttribute"/>: <see cref="Generated.Activation.Tanh"/> for a hidden layer and
/// <see cref="Generated.Activation.Identity"/> for the last layer. So <c>[Layer(3, 2)] [Layer(2, 1)]</c>
/// declares exactly the network <c>[Network(3, 2, 1)]</c> does, and both generate the same members.
/// </para>
/// <para>
/// <b>Loss and precision.</b> They describe the whole network, so set each of <see cref="Loss"/> and
/// <see cref="Precision"/> on at most one <c>[Layer]</c> of the chain (usually <see cref="Loss"/> on the
/// last layer, next to its activation); setting one on two layers is error BPG023. Unset, they default
/// to <see cref="Generated.Loss.MeanSquaredError"/> and <see cref="Generated.Precision.Single"/>, as for
/// <see cref="NetworkAttribute"/>.
/// </para>
/// <example>
/// <code>
/// [Layer(3, 2, Activation.Tanh)]
/// [Layer(2, 1, Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
/// public partial class Student { }
/// // same members as [Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
/// </code>
/// </example>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerAttribute : Attribute
{
    /// <summary>
    /// Declares a layer with the default activation: <see cref="Generated.Activation.Tanh"/> if a layer
    /// follows it, <see cref="Generated.Activation.Identity"/> if it is the last.
    /// </summary>
    /// <param name="inputs">n_{l-1}, the number of inputs; must equal the previous layer's <paramref name="outputs"/>.</param>
    /// <param name="outputs">n_l, the number of units of this layer.</param>
    public LayerAttribute(int inputs, int outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Declares a layer with an explicit activation.</summary>
    /// <param name="inputs">n_{l-1}, the number of inputs; must equal the previous layer's <paramref name="outputs"/>.</param>
    /// <param name="outputs">n_l, the number of units of this layer.</param>
    /// <param name="activation">g, applied to Z[l].</param>
    public LayerAttribute(int inputs, int outputs, Activation activation)
        : this(inputs, outputs)
    {
        Activation = activation;
    }

    /// <summary>n_{l-1}, the number of inputs of this layer.</summary>
    public int Inputs { get; }

    /// <summary>n_l, the number of units (outputs) of this layer.</summary>
    public int Outputs { get; }

    /// <summary>The activation given to the constructor, or <see langword="null"/> for the positional default.</summary>
    public Activation? Activation { get; }

    /// <summary>
    /// The training loss of the whole network. Set it on at most one <c>[Layer]</c> of the chain.
    /// Defaults to <see cref="Generated.Loss.MeanSquaredError"/>.
    /// </summary>
    public Loss Loss { get; set; } = Loss.MeanSquaredError;

    /// <summary>
    /// The floating-point type of the whole generated network. Set it on at most one <c>[Layer]</c> of
    /// the chain. Defaults to <see cref="Generated.Precision.Single"/>.
    /// </summary>
    public Precision Precision { get; set; } = Precision.Single;

    /// <summary>
    /// p, the dropout rate of this layer's activations A[l], in [0, 1) (BPG016 otherwise); not allowed on the last
    /// layer (BPG017). During training each unit is zeroed with probability p and the others scaled by 1/(1 - p);
    /// <c>Forward</c> is unaffected. Defaults to 0 (no dropout). See docs/dropout.md for its status.
    /// </summary>
    public double Dropout { get; set; }
}
