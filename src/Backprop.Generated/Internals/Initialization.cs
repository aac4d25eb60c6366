using System;
using System.ComponentModel;

namespace Backprop.Generated.Internals;

/// <summary>
/// Weight initialisation, bit-identical on every platform: the random bits come from
/// <see cref="SplitMix64"/>, become a double on [-1, 1) exactly, and are scaled by a limit computed
/// with IEEE-exact operations (division and square root) before a single rounding to the network's type.
/// </summary>
/// <remarks>
/// The generated <c>InitializeParameters(seed)</c> draws the weights of layer 1, 2, ... from one stream
/// seeded with <c>seed</c>, using <see cref="GlorotUniform(Span{float}, int, int, ref SplitMix64)"/> for
/// identity, sigmoid, tanh, softplus and softmax layers and
/// <see cref="HeUniform(Span{float}, int, ref SplitMix64)"/> for the ReLU family (ReLU, leaky ReLU, ELU,
/// SiLU), and sets every bias to zero.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Initialization
{
    /// <summary>The random stream that <c>InitializeParameters(seed)</c> uses.</summary>
    /// <param name="seed">The user's seed.</param>
    /// <returns>A generator whose state is derived from <paramref name="seed"/>.</returns>
    public static SplitMix64 CreateStream(int seed) => new SplitMix64(unchecked((ulong)(long)seed));

    /// <summary>limit = sqrt(6 / (fan_in + fan_out)) (Glorot and Bengio, 2010).</summary>
    /// <param name="fanIn">n_{l-1}.</param>
    /// <param name="fanOut">n_l.</param>
    /// <returns>The half-width of the uniform distribution.</returns>
    public static double GlorotLimit(int fanIn, int fanOut) => Math.Sqrt(6.0 / ((double)fanIn + fanOut));

    /// <summary>limit = sqrt(6 / fan_in), the uniform distribution of variance 2 / fan_in (He et al., 2015).</summary>
    /// <param name="fanIn">n_{l-1}.</param>
    /// <returns>The half-width of the uniform distribution.</returns>
    public static double HeLimit(int fanIn) => Math.Sqrt(6.0 / fanIn);

    /// <summary>Fills <paramref name="weights"/> from U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).</summary>
    /// <param name="weights">W[l].</param>
    /// <param name="fanIn">n_{l-1}.</param>
    /// <param name="fanOut">n_l.</param>
    /// <param name="random">The stream, advanced by one draw per weight.</param>
    public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, ref SplitMix64 random) =>
        Uniform(weights, GlorotLimit(fanIn, fanOut), ref random);

    /// <inheritdoc cref="GlorotUniform(Span{float}, int, int, ref SplitMix64)"/>
    public static void GlorotUniform(Span<double> weights, int fanIn, int fanOut, ref SplitMix64 random) =>
        Uniform(weights, GlorotLimit(fanIn, fanOut), ref random);

    /// <summary>Fills <paramref name="weights"/> from U(-limit, limit), limit = sqrt(6 / fan_in).</summary>
    /// <param name="weights">W[l].</param>
    /// <param name="fanIn">n_{l-1}.</param>
    /// <param name="random">The stream, advanced by one draw per weight.</param>
    public static void HeUniform(Span<float> weights, int fanIn, ref SplitMix64 random) =>
        Uniform(weights, HeLimit(fanIn), ref random);

    /// <inheritdoc cref="HeUniform(Span{float}, int, ref SplitMix64)"/>
    public static void HeUniform(Span<double> weights, int fanIn, ref SplitMix64 random) =>
        Uniform(weights, HeLimit(fanIn), ref random);

    /// <summary>Fills <paramref name="values"/> from U(-limit, limit).</summary>
    /// <param name="values">The values to fill.</param>
    /// <param name="limit">The half-width.</param>
    /// <param name="random">The stream.</param>
    public static void Uniform(Span<float> values, double limit, ref SplitMix64 random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(limit * SymmetricUnit(ref random));
        }
    }

    /// <inheritdoc cref="Uniform(Span{float}, double, ref SplitMix64)"/>
    public static void Uniform(Span<double> values, double limit, ref SplitMix64 random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = limit * SymmetricUnit(ref random);
        }
    }

    // 2u - 1 for u = k * 2^-53 is exact in double, so the only rounding is the product with the limit.
    private static double SymmetricUnit(ref SplitMix64 random) => (2.0 * random.NextDouble()) - 1.0;
}
