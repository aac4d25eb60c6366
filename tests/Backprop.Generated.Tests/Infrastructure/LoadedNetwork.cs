using System;
using System.Reflection;

namespace Backprop.Generated.Tests.Infrastructure;

/// <summary>
/// A generated network compiled in-memory, driven through reflection with arrays (spans cannot be
/// boxed, so each call goes through a small delegate over the span overloads).
/// </summary>
public sealed class LoadedNetwork
{
    private readonly object _instance;
    private readonly Type _type;

    public LoadedNetwork(Assembly assembly, string typeName)
    {
        _type = assembly.GetType(typeName, throwOnError: true)!;
        _instance = Activator.CreateInstance(_type)!;
    }

    public Type Type => _type;

    public object Instance => _instance;

    public int Constant(string name) => (int)_type.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;

    public int InputSize => Constant("InputSize");

    public int OutputSize => Constant("OutputSize");

    public int ParameterCount => Constant("ParameterCount");

    public delegate Span<T> SpanGetter<T>();

    public delegate void SpanAction<T>(ReadOnlySpan<T> input, Span<T> output);

    public void SetParameters<T>(T[] values)
    {
        var getter = _type.GetProperty("Parameters")!.GetGetMethod()!.CreateDelegate<SpanGetter<T>>(_instance);
        values.CopyTo(getter());
    }

    public T[] GetParameters<T>()
    {
        var getter = _type.GetProperty("Parameters")!.GetGetMethod()!.CreateDelegate<SpanGetter<T>>(_instance);
        return getter().ToArray();
    }

    public T[] Forward<T>(T[] input)
    {
        var forward = _type.GetMethod("Forward", new[] { typeof(ReadOnlySpan<T>), typeof(Span<T>) })!.CreateDelegate<SpanAction<T>>(_instance);
        var output = new T[OutputSize];
        forward(input, output);
        return output;
    }

    public T[] ForwardBatch<T>(T[] inputs)
    {
        var forward = _type.GetMethod("ForwardBatch")!.CreateDelegate<SpanAction<T>>(_instance);
        var outputs = new T[inputs.Length / InputSize * OutputSize];
        forward(inputs, outputs);
        return outputs;
    }
}
