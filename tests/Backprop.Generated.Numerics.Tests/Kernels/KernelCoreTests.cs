using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// Issue 8 item 4 (every instruction set, on any machine): each internal kernel core of Compute/Dense run with each
/// ops type explicitly (Lanes512, Lanes256, Lanes128, Scalar; the vector types run in software where the hardware
/// lacks them, so the 512-bit path is covered on an AVX2 machine too), with every activation, against the
/// double-precision <see cref="DenseReference"/>. The shapes cover:
/// <list type="bullet">
/// <item><description>units 1-3, 5-8, 10, 16, 17 and 20: every batch tile and remainder, 8 and 20 ending in two tiles of
/// 4 (Dense.SixTiles);</description></item>
/// <item><description>units 130, 200, 300 and 400: the one-example passes of 8 and 16 registers. 16-register passes run
/// only for W above 32 KB, so 161 x 200, 161 x 300 and 161 x 400 take them (then one of 8, then a remainder) on 256-
/// and 512-bit lanes, while 3 x 200 to 3 x 400 run several passes of 8;</description></item>
/// <item><description>inputs 1, 3, 8, 20, 161 and 400: 161 and 400 cross the input blocks (at most 64); 8 and 20 end in
/// two tiles of 4 inputs in BackwardBlock and of 4 rows of dW, 20 after two tiles of 6.</description></item>
/// </list>
/// Tolerances: see <see cref="KernelCoreChecks"/>.
/// </summary>
public static class KernelCases
{
    /// <summary>(inputs, units), each run with one activation in rotation.</summary>
    public static readonly (int Inputs, int Units)[] Shapes =
    {
        (1, 1), (400, 1), (3, 2), (161, 2), (8, 3), (1, 3), (161, 5), (3, 5), (400, 6), (8, 6),
        (1, 7), (161, 7), (3, 10), (400, 10), (8, 16), (1, 16), (161, 17), (3, 17), (8, 130), (3, 300), (161, 300), (400, 8), (161, 20),
        (3, 200), (3, 400), (161, 200), (161, 400), (20, 17), (20, 130),
    };

    /// <summary>Shapes run with every activation (besides the rotation over all shapes).</summary>
    public static readonly (int Inputs, int Units)[] EveryActivationShapes = { (3, 5), (161, 17), (8, 130) };

    public static IEnumerable<object[]> For(string ops)
    {
        var seen = new HashSet<string>();
        for (int s = 0; s < Shapes.Length; s++)
        {
            string activation = KernelTypes.ActivationNames[s % KernelTypes.ActivationNames.Length];
            if (seen.Add($"float {Shapes[s]} {activation}"))
            {
                yield return new object[] { ops, "float", Shapes[s].Inputs, Shapes[s].Units, activation };
            }
        }

        foreach ((int inputs, int units) in EveryActivationShapes)
        {
            foreach (string activation in KernelTypes.ActivationNames)
            {
                if (seen.Add($"float {(inputs, units)} {activation}"))
                {
                    yield return new object[] { ops, "float", inputs, units, activation };
                }
            }
        }

        // Double precision: the same kernels with half as many lanes per register.
        (int, int)[] doubleShapes = { (1, 7), (3, 5), (161, 17), (8, 130), (400, 6), (3, 300), (3, 200), (161, 200), (20, 130) };
        for (int s = 0; s < doubleShapes.Length; s++)
        {
            yield return new object[] { ops, "double", doubleShapes[s].Item1, doubleShapes[s].Item2, KernelTypes.ActivationNames[((2 * s) + 1) % KernelTypes.ActivationNames.Length] };
        }
    }

    public static void Run(string ops, string element, int inputs, int units, string activation)
    {
        Type t = KernelTypes.Element(element);
        (Type opsType, Type vector) = KernelTypes.Ops(ops, t);
        Type layer = KernelTypes.Layer(inputs, units);
        Type act = KernelTypes.ActivationTypes[activation];
        string label = $"{ops}<{element}> {inputs}->{units} {activation}";
        Type[] full = { opsType, vector, t, layer, act };
        KernelTypes.Invoke(typeof(KernelCoreChecks), nameof(KernelCoreChecks.ForwardExample), full, activation, label);
        Type[] packed = { opsType, vector, t, KernelTypes.PackedLayer(inputs, units), act };
        KernelTypes.Invoke(typeof(KernelCoreChecks), nameof(KernelCoreChecks.ForwardExample), packed, activation, label + " (b after W)");
        KernelTypes.Invoke(typeof(KernelCoreChecks), nameof(KernelCoreChecks.ForwardBlock), full, activation, label);
        KernelTypes.Invoke(typeof(KernelCoreChecks), nameof(KernelCoreChecks.BackwardBlock), full, activation, label);
        KernelTypes.Invoke(typeof(KernelCoreChecks), nameof(KernelCoreChecks.AccumulateGradients), full.Take(4).ToArray(), label);
    }
}

public class Lanes512KernelTests
{
    public static IEnumerable<object[]> Cases => KernelCases.For("Lanes512");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernel_cores_match_the_double_reference(string ops, string element, int inputs, int units, string activation) =>
        KernelCases.Run(ops, element, inputs, units, activation);
}

public class Lanes256KernelTests
{
    public static IEnumerable<object[]> Cases => KernelCases.For("Lanes256");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernel_cores_match_the_double_reference(string ops, string element, int inputs, int units, string activation) =>
        KernelCases.Run(ops, element, inputs, units, activation);
}

public class Lanes128KernelTests
{
    public static IEnumerable<object[]> Cases => KernelCases.For("Lanes128");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernel_cores_match_the_double_reference(string ops, string element, int inputs, int units, string activation) =>
        KernelCases.Run(ops, element, inputs, units, activation);
}

public class ScalarKernelTests
{
    public static IEnumerable<object[]> Cases => KernelCases.For("Scalar");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernel_cores_match_the_double_reference(string ops, string element, int inputs, int units, string activation) =>
        KernelCases.Run(ops, element, inputs, units, activation);
}

/// <summary>The public dispatchers run the core of the widest instruction set the machine accelerates.</summary>
public class DispatcherTests
{
    public static IEnumerable<object[]> Cases =>
        from element in new[] { "float", "double" }
        from shape in new[] { (3, 5), (161, 17), (8, 130) }
        from activation in KernelTypes.ActivationNames
        select new object[] { element, shape.Item1, shape.Item2, activation };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dispatchers_agree_bit_for_bit_with_the_core_for_this_machine(string element, int inputs, int units, string activation)
    {
        Type t = KernelTypes.Element(element);
        string ops = element == "double" ? KernelTypes.MachineOps<double>() : KernelTypes.MachineOps<float>();
        (Type opsType, Type vector) = KernelTypes.Ops(ops, t);
        KernelTypes.Invoke(
            typeof(KernelCoreChecks),
            nameof(KernelCoreChecks.DispatchersAgree),
            new[] { opsType, vector, t, KernelTypes.Layer(inputs, units), KernelTypes.ActivationTypes[activation] },
            $"{ops}<{element}> {inputs}->{units} {activation}");
    }
}
