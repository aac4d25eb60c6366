using System.Runtime.CompilerServices;

namespace Backprop.Generated.Internals;

/// <summary>
/// g'(z) for the element-wise activations, given both z and a = g(z) (whichever is cheaper and more
/// accurate), in <see cref="float"/> and <see cref="double"/>. The backward pass computes
/// dZ[l] = dA[l] * g'(Z[l]) with these. Softmax is not element-wise: its Jacobian-vector product
/// dZ = A * (dA - sum_k dA_k A_k) is written out by the generator.
/// </summary>
internal static class ActivationDerivatives
{
    /// <summary>sigmoid'(z) = a (1 - a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float z, float a) => a * (1f - a);

    /// <inheritdoc cref="Sigmoid(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double z, double a) => a * (1d - a);

    /// <summary>tanh'(z) = 1 - a^2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float z, float a) => 1f - (a * a);

    /// <inheritdoc cref="Tanh(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double z, double a) => 1d - (a * a);

    /// <summary>relu'(z) = 1 for z &gt; 0, 0 for z &lt;= 0 (0 at the kink, as PyTorch), NaN for NaN.</summary>
    /// <remarks>
    /// Both branches are tested, so a NaN z (which fails every comparison) falls through to itself: a slope of
    /// 0 or 1 there would turn dZ = dA * g'(z) finite and hide the NaN from the gradient.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLU(float z, float a) => z > 0f ? 1f : z <= 0f ? 0f : z;

    /// <inheritdoc cref="ReLU(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ReLU(double z, double a) => z > 0d ? 1d : z <= 0d ? 0d : z;

    /// <summary>leaky_relu'(z) = 1 for z &gt; 0, 0.01 for z &lt;= 0, NaN for NaN (see <see cref="ReLU(float, float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLU(float z, float a) => z > 0f ? 1f : z <= 0f ? (float)ActivationFunctions.LeakyReLUSlope : z;

    /// <inheritdoc cref="LeakyReLU(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LeakyReLU(double z, double a) => z > 0d ? 1d : z <= 0d ? ActivationFunctions.LeakyReLUSlope : z;

    /// <summary>elu'(z) = 1 for z &gt; 0, else e^z = a + 1 (NaN for NaN, through a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ELU(float z, float a) => z > 0f ? 1f : a + 1f;

    /// <inheritdoc cref="ELU(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ELU(double z, double a) => z > 0d ? 1d : a + 1d;

    /// <summary>silu'(z) = s (1 + z (1 - s)) with s = sigmoid(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLU(float z, float a)
    {
        float s = ActivationFunctions.Sigmoid(z);
        return s * (1f + (z * (1f - s)));
    }

    /// <inheritdoc cref="SiLU(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SiLU(double z, double a)
    {
        double s = ActivationFunctions.Sigmoid(z);
        return s * (1d + (z * (1d - s)));
    }

    /// <summary>softplus'(z) = sigmoid(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float z, float a) => ActivationFunctions.Sigmoid(z);

    /// <inheritdoc cref="Softplus(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Softplus(double z, double a) => ActivationFunctions.Sigmoid(z);
}
