using System;
using System.Linq;
using System.Reflection;
using Backprop.Generated.Numerics.Tests.ForwardReference;
using Xunit;

namespace Backprop.Generated.Numerics.Tests;

/// <summary>
/// Inference must not touch the heap: these count the bytes the current thread allocates across many
/// calls after a warm-up (GC.GetAllocatedBytesForCurrentThread is exact for the calling thread).
/// </summary>
public class ForwardAllocationTests
{
    private const int Calls = 10_000;

    [Fact]
    public void Forward_with_spans_allocates_nothing()
    {
        var net = new Student();
        float[] x = { 0.9f, 0.2f, 0.4f };
        float[] y = new float[Student.OutputSize];
        Assert.Equal(0, AllocatedBytes(() => net.Forward(x, y)));
    }

    [Fact]
    public void Forward_with_fixed_size_values_allocates_nothing()
    {
        var net = new Mixed4();
        var x = new Mixed4.Input();
        x[0] = 1f;
        x[3] = -2f;
        float sink = 0;
        Assert.Equal(0, AllocatedBytes(() => sink += net.Forward(x)[0]));
    }

    [Fact]
    public void ForwardBatch_of_a_wide_network_allocates_nothing()
    {
        var net = new Mnist();
        net.Parameters.Fill(0.001f);
        float[] inputs = new float[4 * Mnist.InputSize];
        float[] outputs = new float[4 * Mnist.OutputSize];
        Assert.Equal(0, AllocatedBytes(() => net.ForwardBatch(inputs, outputs), calls: 200));
    }

    [Fact]
    public void Double_precision_Forward_allocates_nothing()
    {
        var net = new DoubleNet();
        double[] x = { 1, 2, 3, 4 };
        double[] y = new double[DoubleNet.OutputSize];
        Assert.Equal(0, AllocatedBytes(() => net.Forward(x, y)));
    }

    [Theory]
    [InlineData(typeof(Student))]
    [InlineData(typeof(Mnist))]
    [InlineData(typeof(DoubleNet))]
    public void Generated_types_have_no_static_state_shared_between_threads(Type type)
    {
        FieldInfo[] statics = type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(f => !f.IsLiteral)
            .ToArray();

        // The only static is ForwardBatch's scratch, and it is per thread: no two threads ever share it.
        Assert.All(statics, f => Assert.NotNull(f.GetCustomAttribute<ThreadStaticAttribute>()));
        Assert.All(statics, f => Assert.True(
            f.IsPrivate && f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(Backprop.Generated.Compute.AlignedArray<>),
            f.Name));
    }

    /// <summary>
    /// Bytes allocated by <paramref name="calls"/> invocations, after warming up (JIT, tiering): the least of three
    /// windows of <paramref name="calls"/> calls each. An allocation made by every call (or every few calls) shows in
    /// every window; a one-off allocation on this thread by the runtime (one window of a full CI run once counted
    /// 7,688 bytes that neither a rerun nor the two other windows showed) does not fail the test.
    /// </summary>
    internal static long AllocatedBytes(Action action, int calls = Calls)
    {
        for (int i = 0; i < 100; i++)
        {
            action();
        }

        long least = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                action();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
