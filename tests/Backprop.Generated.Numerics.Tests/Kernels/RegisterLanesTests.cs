using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generated.Compute;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// Compute.RegisterLanes, the one-example kernel of layers of up to 128 bytes of units, against the double-precision
/// reference on every register width: whole and partly filled registers, one to eight of them (32 floats in 128-bit
/// registers take eight, the single-chain path), odd and even input counts, W followed by a gap or directly by b, and
/// every activation including softmax. The parameters are NaN outside W and b, so a discarded lane that leaked would
/// show.
/// </summary>
public class RegisterLanesTests
{
    private static readonly (int Inputs, int Units)[] FloatShapes =
    {
        (3, 4), (2, 5), (161, 7), (1, 8), (8, 16), (3, 10), (16, 17), (20, 20), (7, 32), (1, 32), (161, 32),
    };

    private static readonly (int Inputs, int Units)[] DoubleShapes = { (3, 4), (8, 16), (5, 10), (1, 7), (161, 5), (2, 3) };

    public static IEnumerable<object[]> Cases()
    {
        int i = 0;
        foreach (string ops in KernelTypes.OpsNames)
        {
            foreach ((string element, (int Inputs, int Units)[] shapes) in new[] { ("float", FloatShapes), ("double", DoubleShapes) })
            {
                foreach ((int inputs, int units) in shapes)
                {
                    // Every shape with a rotating activation, and softmax on each width.
                    yield return new object[] { ops, element, inputs, units, KernelTypes.ActivationNames[i++ % KernelTypes.ActivationNames.Length] };
                }

                yield return new object[] { ops, element, 16, 10, "Softmax" };
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_example_in_registers_matches_the_double_reference(string ops, string element, int inputs, int units, string activation)
    {
        Type t = KernelTypes.Element(element);
        (Type opsType, Type vector) = KernelTypes.Ops(ops, t);
        Type act = KernelTypes.ActivationTypes[activation];
        string label = $"{ops}<{element}> {inputs}->{units} {activation}";
        KernelTypes.Invoke(typeof(KernelCoreChecks), nameof(KernelCoreChecks.RegisterLanes), new[] { opsType, vector, t, KernelTypes.Layer(inputs, units), act }, activation, label);
        KernelTypes.Invoke(typeof(KernelCoreChecks), nameof(KernelCoreChecks.RegisterLanes), new[] { opsType, vector, t, KernelTypes.PackedLayer(inputs, units), act }, activation, label + " (b after W)");
    }

    [Fact]
    public void The_buffer_length_covers_whole_registers_of_every_width()
    {
        for (int units = 1; units * sizeof(float) <= RegisterLanes.MaxBytes; units++)
        {
            int length = RegisterLanes.BufferLength<float>(units);
            Assert.True(length >= units && length % 16 == 0, $"{units} floats: {length}");
            foreach (int lanes in new[] { 4, 8, 16 })
            {
                Assert.True(length >= (units + lanes - 1) / lanes * lanes, $"{units} floats, {lanes} lanes: {length}");
            }
        }

        for (int units = 1; units * sizeof(double) <= RegisterLanes.MaxBytes; units++)
        {
            int length = RegisterLanes.BufferLength<double>(units);
            Assert.True(length >= units && length % 8 == 0, $"{units} doubles: {length}");
        }
    }

    [Fact]
    public void Aligned_arrays_keep_a_register_of_padding_after_the_last_element()
    {
        for (int length = 0; length < 40; length++)
        {
            var array = new AlignedArray<float>(length);
            float[] backing = (float[])typeof(AlignedArray<float>).GetField("_array", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(array)!;
            int start = (int)typeof(AlignedArray<float>).GetField("_start", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(array)!;
            Assert.True(backing.Length - (start + length) >= AlignedArray<float>.TailPadding / sizeof(float), $"length {length}: {backing.Length - (start + length)} elements after the end");
        }
    }
}
