namespace Backprop.Generated.Generator.Rules;

/// <summary>
/// The size limits of a generated network and the unrolling budget. Documented in
/// docs/diagnostics/BPG009.md and docs/diagnostics/BPG012.md; change them together.
/// </summary>
internal static class Limits
{
    /// <summary>
    /// The widest layer. Hidden activations of one example live on the stack during Forward and
    /// training (two buffers of this many elements at most), so the cap keeps stack use bounded.
    /// </summary>
    public const int MaxLayerSize = 16_384;

    /// <summary>The most layers with weights (L).</summary>
    public const int MaxLayers = 128;

    /// <summary>The most parameters (weights plus biases): 64 Mi values, 256 MiB in single precision.</summary>
    public const long MaxParameters = 64L * 1024 * 1024;

    /// <summary>
    /// The most units in all layers together, n_1 + ... + n_L. Forward keeps each layer's activations
    /// of one example on the stack, so this bounds its stack use (128 KiB in single, 256 KiB in double
    /// precision) however the sizes are arranged: 64 layers alternating 16,384 and 1 units have few
    /// parameters but would need 4 MiB of stack, more than the 1.5 MiB of a .NET secondary
    /// thread on Linux (1 MiB on Windows): a stack overflow, which ends the process.
    /// </summary>
    public const int MaxTotalUnits = 32_768;

    /// <summary>
    /// The largest layer, in multiply-adds n_{l-1} * n_l, that is unrolled into straight-line code.
    /// The JIT fully optimises methods of up to about 1,500 statements and then falls back to
    /// unoptimised code, so unrolled layers stay well under that.
    /// </summary>
    public const int MaxUnrolledMultiplyAdds = 256;

    /// <summary>
    /// The most that one method unrolls across all its layers, in multiply-adds, each unit counting
    /// <see cref="UnrolledCostPerUnit"/> more.
    /// </summary>
    public const int MaxUnrolledMultiplyAddsPerNetwork = 1_024;

    /// <summary>
    /// What an unrolled unit costs beyond its multiply-adds (bias, activation call, store), in multiply-adds: about
    /// what each adds to the method's IL. Without it, many layers of 2 or 3 units with an activation would stay
    /// within the multiply-add budget and still pass the JIT's limits (Jit/JitLimitTests).
    /// </summary>
    public const int UnrolledCostPerUnit = 4;

    /// <summary>
    /// The narrowest layer whose one-example code puts its units in SIMD lanes (Dense.ForwardExample): from 4 units a
    /// half-filled 256-bit register, read across the row boundary, beats scalar code (W2's 16-to-4 layer: 171 ns
    /// straight-line, 110 ns in lanes, measured on AVX2). Narrower layers within the unrolling budgets are
    /// straight-line scalar code.
    /// </summary>
    public const int MinUnitsForLanes = 4;
}
