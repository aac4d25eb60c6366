using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Reliability;

/// <summary>
/// The value of every loss (not only its gradient) over extreme logits, against 60-digit mpmath values
/// committed in Reference/loss_values.json (written by Reference/loss_values.py): the cost J that
/// ComputeGradients returns for one example, through generated code (unrolled and vector loop, float and
/// double), and the runtime's loss kernels directly (see RuntimeLoss). The reported case: a 3-3 softmax/cross-entropy
/// network with logits [1891, 1890, -1047] and class 1 returned 1.3132324; the exact value is 1.31326169.
/// </summary>
public class LossValueTests
{
    private static readonly JsonElement[] Rows = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "loss_values.json"))).RootElement
        .GetProperty("cases").EnumerateArray().ToArray();

    public static TheoryData<int, string, string> Cases()
    {
        var data = new TheoryData<int, string, string>();
        for (int i = 0; i < Rows.Length; i++)
        {
            foreach (string form in new[] { "Unrolled", "Loop" })
            {
                foreach (string precision in new[] { "Single", "Double" })
                {
                    data.Add(i, form, precision);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ComputeGradients_returns_the_exact_cost_to_working_precision(int row, string form, string precision)
    {
        JsonElement c = Rows[row];
        string loss = c.GetProperty("loss").GetString()!;
        string suffix = loss switch { "CrossEntropy" => "Ce", "BinaryCrossEntropy" => "Bce", _ => "Mse" };
        Type type = typeof(LossValueTests).Assembly.GetType($"Backprop.Generated.Numerics.Tests.Reliability.LossValue{form}{suffix}{precision}", throwOnError: true)!;
        double[] z = c.GetProperty("z").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        double[] y = c.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        double expected = c.GetProperty("cost").GetDouble();
        double actual = precision == "Single" ? Cost<float>(type, z, y, loss) : Cost<double>(type, z, y, loss);
        Close(expected, actual, precision == "Single", $"{type.Name}, z = [{string.Join(", ", z)}], y = [{string.Join(", ", y)}]");
    }

    [Fact]
    public void Runtime_loss_kernels_return_the_exact_value()
    {
        foreach (JsonElement c in Rows)
        {
            string loss = c.GetProperty("loss").GetString()!;
            double[] z = c.GetProperty("z").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            double[] y = c.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            double expected = c.GetProperty("cost").GetDouble();
            string what = $"{loss}([{string.Join(", ", z)}], [{string.Join(", ", y)}])";
            if (loss == "CrossEntropy")
            {
                Close(expected, RuntimeLoss.CrossEntropy(z, y), single: false, what + " double");
                Close(expected, RuntimeLoss.CrossEntropy(z.Select(v => (float)v).ToArray(), y.Select(v => (float)v).ToArray()), single: true, what + " float");
            }
            else if (loss == "BinaryCrossEntropy")
            {
                Close(expected, z.Zip(y, RuntimeLoss.BinaryCrossEntropy).Sum(), single: false, what + " double");
                Close(expected, z.Zip(y, (a, b) => (double)RuntimeLoss.BinaryCrossEntropy((float)a, (float)b)).Sum(), single: true, what + " float");
            }
        }
    }

    /// <summary>J of one example: Z[1] = x (identity weights, zero biases); a loop network's extra units get logits that add nothing.</summary>
    private static double Cost<T>(Type type, double[] z, double[] y, string loss)
        where T : unmanaged
    {
        var net = (INetwork<T>)Activator.CreateInstance(type)!;
        int n = net.InputSize;
        Span<T> parameters = net.Parameters;
        parameters.Clear();
        for (int j = 0; j < n; j++)
        {
            parameters[(j * n) + j] = Cast<T>(1d);
        }

        // Padding: CE and BCE take a logit of -1e30 with target 0 (e^(-1e30 - max) = 0, max(z, 0) - 0 z + log1p(e^-|z|) = 0);
        // MSE takes z = y = 0.
        double pad = loss == "MeanSquaredError" ? 0d : -1e30;
        T[] x = Enumerable.Range(0, n).Select(j => Cast<T>(j < z.Length ? z[j] : pad)).ToArray();
        T[] t = Enumerable.Range(0, n).Select(j => Cast<T>(j < y.Length ? y[j] : 0d)).ToArray();
        var gradients = new T[net.ParameterCount];
        T cost = net.ComputeGradients(x, t, gradients);
        return cost is float f ? f : (double)(object)cost;
    }

    private static T Cast<T>(double value) => typeof(T) == typeof(float) ? (T)(object)(float)value : (T)(object)value;

    private static void Close(double expected, double actual, bool single, string what)
    {
        // A few units in the last place of the working precision, relative to the exact cost.
        double relative = single ? 2e-6 : 1e-14;
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected) + 1e-300, $"{what}: J = {actual:R}, exact {expected:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");
    }
}
