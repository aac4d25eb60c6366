// One of the declaration enums, compiled into both assemblies as src/Shared/Compute/DenseRules.cs is: the
// runtime's public Backprop.Generated.Activation, and the generator's internal ActivationKind (BACKPROP_GENERATOR),
// to which the parser converts the attribute's integer constants. One list of names and values for both.
#if BACKPROP_GENERATOR
namespace Backprop.Generated.Generator.Model;
#else
namespace Backprop.Generated;
#endif

/// <summary>
/// The activation function g applied element-wise (or, for <see cref="Softmax"/>, per row) to a
/// layer's pre-activation: A[l] = g(Z[l]).
/// </summary>
#if BACKPROP_GENERATOR
internal enum ActivationKind
#else
public enum Activation
#endif
{
    /// <summary>g(z) = z.</summary>
    Identity = 0,

    /// <summary>g(z) = 1 / (1 + e^-z), computed without overflow for large |z|.</summary>
    Sigmoid = 1,

    /// <summary>g(z) = tanh(z).</summary>
    Tanh = 2,

    /// <summary>g(z) = max(0, z).</summary>
    ReLU = 3,

    /// <summary>g(z) = z for z &gt; 0, else 0.01 z.</summary>
    LeakyReLU = 4,

    /// <summary>g(z) = z for z &gt; 0, else e^z - 1 (alpha = 1).</summary>
    ELU = 5,

    /// <summary>g(z) = z * sigmoid(z) (also called swish).</summary>
    SiLU = 6,

    /// <summary>g(z) = log(1 + e^z), computed as max(z, 0) + log(1 + e^-|z|).</summary>
    Softplus = 7,

    /// <summary>
    /// g(z)_k = e^(z_k - max z) / sum_j e^(z_j - max z) over the layer's n_l units of one example.
    /// Allowed in any layer.
    /// </summary>
    Softmax = 8,
}
