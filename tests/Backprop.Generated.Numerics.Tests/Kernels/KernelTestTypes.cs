using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Reflection;
using System.Runtime.Intrinsics;
using Backprop.Generated.Compute;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>An integer as a type, so a layer shape can be a type argument (the kernels take shapes as types).</summary>
public interface IConstant
{
    static abstract int Value { get; }
}

#pragma warning disable SA1649, CS1591 // one small type per constant
public readonly struct N1 : IConstant { public static int Value => 1; }
public readonly struct N2 : IConstant { public static int Value => 2; }
public readonly struct N3 : IConstant { public static int Value => 3; }
public readonly struct N4 : IConstant { public static int Value => 4; }
public readonly struct N5 : IConstant { public static int Value => 5; }
public readonly struct N6 : IConstant { public static int Value => 6; }
public readonly struct N7 : IConstant { public static int Value => 7; }
public readonly struct N8 : IConstant { public static int Value => 8; }
public readonly struct N10 : IConstant { public static int Value => 10; }
public readonly struct N16 : IConstant { public static int Value => 16; }
public readonly struct N17 : IConstant { public static int Value => 17; }
public readonly struct N20 : IConstant { public static int Value => 20; }
public readonly struct N130 : IConstant { public static int Value => 130; }
public readonly struct N200 : IConstant { public static int Value => 200; }
public readonly struct N300 : IConstant { public static int Value => 300; }
public readonly struct N161 : IConstant { public static int Value => 161; }
public readonly struct N400 : IConstant { public static int Value => 400; }
public readonly struct N32 : IConstant { public static int Value => 32; }
#pragma warning restore SA1649, CS1591

/// <summary>
/// A dense layer of <typeparamref name="TIn"/> inputs and <typeparamref name="TOut"/> units whose W starts at
/// <see cref="LeadingGap"/> (not 0) and whose b starts <see cref="MiddleGap"/> values after W: the test fills the
/// gaps with NaN, so a kernel that reads outside W[l] or b[l] produces NaN and fails.
/// </summary>
public readonly struct TestLayer<TIn, TOut> : IDenseLayer
    where TIn : IConstant
    where TOut : IConstant
{
    public const int LeadingGap = 7;
    public const int MiddleGap = 3;
    public const int TrailingGap = 5;

    public static int Inputs => TIn.Value;

    public static int Units => TOut.Value;

    public static int WeightOffset => LeadingGap;

    public static int BiasOffset => LeadingGap + (TIn.Value * TOut.Value) + MiddleGap;

    public static int ParameterLength => BiasOffset + TOut.Value + TrailingGap;
}

/// <summary>
/// As <see cref="TestLayer{TIn, TOut}"/> but with b[l] right after W[l], as generated code lays them out: the
/// one-example kernel may then read a partial last register of units past a row's end (the lanes it discards), so
/// this layout is the one that runs that path; the gaps before W and after b are still NaN.
/// </summary>
public readonly struct PackedTestLayer<TIn, TOut> : IDenseLayer
    where TIn : IConstant
    where TOut : IConstant
{
    public static int Inputs => TIn.Value;

    public static int Units => TOut.Value;

    public static int WeightOffset => TestLayer<TIn, TOut>.LeadingGap;

    public static int BiasOffset => WeightOffset + (TIn.Value * TOut.Value);
}

/// <summary>Name-to-type tables for the theory rows, and the reflection call that instantiates a generic check.</summary>
public static class KernelTypes
{
    public static readonly Dictionary<int, Type> Constants = new()
    {
        [1] = typeof(N1), [2] = typeof(N2), [3] = typeof(N3), [4] = typeof(N4), [5] = typeof(N5), [6] = typeof(N6), [7] = typeof(N7),
        [8] = typeof(N8), [10] = typeof(N10), [16] = typeof(N16), [17] = typeof(N17), [20] = typeof(N20), [130] = typeof(N130), [200] = typeof(N200), [300] = typeof(N300),
        [161] = typeof(N161), [400] = typeof(N400), [32] = typeof(N32),
    };

    public static readonly Dictionary<string, Type> ActivationTypes = new()
    {
        ["Identity"] = typeof(Activations.Identity),
        ["Sigmoid"] = typeof(Activations.Sigmoid),
        ["Tanh"] = typeof(Activations.Tanh),
        ["ReLU"] = typeof(Activations.ReLU),
        ["LeakyReLU"] = typeof(Activations.LeakyReLU),
        ["ELU"] = typeof(Activations.ELU),
        ["SiLU"] = typeof(Activations.SiLU),
        ["Softplus"] = typeof(Activations.Softplus),
        ["Softmax"] = typeof(Activations.Softmax),
    };

    public static readonly string[] ActivationNames =
        { "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SiLU", "Softplus", "Softmax" };

    public static readonly string[] OpsNames = { "Lanes512", "Lanes256", "Lanes128", "Scalar" };

    /// <summary>(ops type, register type) for an ops name and element type.</summary>
    public static (Type Ops, Type Vector) Ops(string name, Type t) => name switch
    {
        "Lanes512" => (typeof(Lanes512<>).MakeGenericType(t), typeof(Vector512<>).MakeGenericType(t)),
        "Lanes256" => (typeof(Lanes256<>).MakeGenericType(t), typeof(Vector256<>).MakeGenericType(t)),
        "Lanes128" => (typeof(Lanes128<>).MakeGenericType(t), typeof(Vector128<>).MakeGenericType(t)),
        "Scalar" => (typeof(Scalar<>).MakeGenericType(t), t),
        _ => throw new ArgumentException(name),
    };

    /// <summary>The ops type the public dispatchers choose on this machine (the same checks, in the same order).</summary>
    public static string MachineOps<T>()
        where T : unmanaged =>
        Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported ? "Lanes512"
        : Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported ? "Lanes256"
        : Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported ? "Lanes128"
        : "Scalar";

    public static Type Layer(int inputs, int units) =>
        typeof(TestLayer<,>).MakeGenericType(Constants[inputs], Constants[units]);

    public static Type PackedLayer(int inputs, int units) =>
        typeof(PackedTestLayer<,>).MakeGenericType(Constants[inputs], Constants[units]);

    public static Type Element(string name) => name == "double" ? typeof(double) : typeof(float);

    /// <summary>Calls a generic static method of <paramref name="owner"/>, rethrowing the assertion failure itself.</summary>
    public static object? Invoke(Type owner, string method, Type[] typeArguments, params object[] arguments)
    {
        MethodInfo m = owner.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeArguments);
        try
        {
            return m.Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
