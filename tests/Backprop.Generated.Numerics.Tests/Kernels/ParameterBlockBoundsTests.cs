using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>Tiny: one layer of 5 units, so a 256-bit register of b1 reads 3 elements past the parameters.</summary>
[Network(2, 5, Output = Activation.Tanh)]
public partial class TinyFiveUnits { }

/// <summary>Tiny: a 7-unit output layer after a 3-unit hidden layer (37 parameters).</summary>
[Network(2, 3, 7, Hidden = Activation.ReLU, Output = Activation.Sigmoid)]
public partial class TinySevenUnits { }

/// <summary>Tiny: 4 units, one whole 128-bit register; the 256-bit pass reads 4 past.</summary>
[Network(3, 4, Output = Activation.Identity)]
public partial class TinyFourUnits { }

/// <summary>
/// A tiny network keeps its parameters in an [InlineArray] block inside the instance (docs/performance.md, "The argument
/// guards, and a tiny network's parameters in the instance"). Its one-example passes load whole registers, so a partly
/// filled last register reads past b[L]; the block's slack must hold every such read. Here the block is copied so that
/// it ends exactly where a page that cannot be read begins (Linux: mprotect PROT_NONE), and each register width's pass
/// runs on it: a read past the block kills the test process, a read inside gives the network's own outputs.
/// </summary>
public unsafe class ParameterBlockBoundsTests
{
    private delegate void Pass(ReadOnlySpan<float> theta, ReadOnlySpan<float> a0, Span<float> output);

    private const int Page = 4096;
    private const int ProtNone = 0;
    private const int ProtReadWrite = 3;

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern int mprotect(IntPtr address, nuint length, int protection);

    public static TheoryData<Type> Cases() => new() { typeof(TinyFiveUnits), typeof(TinySevenUnits), typeof(TinyFourUnits) };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_register_pass_reads_inside_the_parameter_block(Type type)
    {
        // The widths written for this network (a layer of at most 8 units gets 256- and 128-bit passes, or 128 only).
        MethodInfo[] passes = type.GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name.StartsWith("ForwardInRegisters", StringComparison.Ordinal))
            .ToArray();
        Assert.NotEmpty(passes);
        foreach (MethodInfo pass in passes)
        {
            Run(type, pass);
        }
    }

    private static void Run(Type type, MethodInfo method)
    {
        Assert.True(OperatingSystem.IsLinux(), "this test needs mprotect (Linux); CI runs on Linux");
        var net = (INetwork<float>)Activator.CreateInstance(type)!;
        var random = new Random(method.Name.Length);
        for (int i = 0; i < net.Parameters.Length; i++)
        {
            net.Parameters[i] = (float)((random.NextDouble() * 2) - 1);
        }

        Type block = type.GetNestedType("__ParameterBlock", BindingFlags.NonPublic)!;
        int length = block.GetCustomAttribute<InlineArrayAttribute>()!.Length;
        Assert.True(length > net.ParameterCount, $"the block holds {length} elements for {net.ParameterCount} parameters");
        var pass = method.CreateDelegate<Pass>();

        float[] x = Enumerable.Range(0, net.InputSize).Select(i => (float)((i * 0.37) - 0.5)).ToArray();
        float[] expected = new float[net.OutputSize];
        net.Forward(x, expected);

        byte* memory = (byte*)NativeMemory.AlignedAlloc(2 * Page, Page);
        try
        {
            Assert.Equal(0, mprotect((IntPtr)(memory + Page), Page, ProtNone));
            float* theta = (float*)(memory + Page) - length;
            var span = new Span<float>(theta, length);
            span.Clear();
            net.Parameters.CopyTo(span);

            // The pass's output buffer holds whole registers (RegisterLanes.BufferLength); 64 floats is every width's.
            float[] output = new float[64];
            pass(span, x, output);
            Assert.True(expected.SequenceEqual(output.Take(net.OutputSize)), $"{method.Name}: {string.Join(", ", output.Take(net.OutputSize))} against {string.Join(", ", expected)}");
        }
        finally
        {
            mprotect((IntPtr)(memory + Page), Page, ProtReadWrite);
            NativeMemory.AlignedFree(memory);
        }
    }
}
