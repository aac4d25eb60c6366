using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Backprop.Generated;
using CsCheck;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Training;

[Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class IrisNet { }

[Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class IrisNetDouble { }

[Network(4, 6, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
public partial class BinaryNetDouble { }

/// <summary>
/// The classification helpers (<see cref="StandardScaler"/>, <see cref="ClassificationMetrics"/>, <see cref="OneHot"/>,
/// <see cref="TrainTestSplit"/>, <see cref="Classification"/>) and <c>Fit</c>'s labels, validation and early stopping:
/// against scikit-learn's values (Reference/classification_reference.py) and against evaluations written out here
/// from the definitions, never against the code under test.
/// </summary>
public class ClassificationTests
{
    private static readonly JsonElement ReferenceRoot = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "classification_reference.json"))).RootElement;

    private static (double[] X, int[] Y) Iris()
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "iris.csv"))[1..];
        double[] x = lines.SelectMany(l => l.Split(',')[..4].Select(v => double.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        int[] y = lines.Select(l => int.Parse(l.Split(',')[4], CultureInfo.InvariantCulture)).ToArray();
        return (x, y);
    }

    private static double[] Doubles(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    [Fact]
    public void StandardScaler_matches_scikit_learn_including_a_constant_column()
    {
        JsonElement s = ReferenceRoot.GetProperty("scaler");
        int features = s.GetProperty("features").GetInt32();
        StandardScaler scaler = StandardScaler.Fit<double>(Doubles(s, "fit"), features);
        double[] mean = Doubles(s, "mean"), scale = Doubles(s, "scale"), expected = Doubles(s, "transformed");
        for (int j = 0; j < features; j++)
        {
            Assert.Equal(mean[j], scaler.Mean[j], 1e-13);
            Assert.Equal(scale[j], scaler.Scale[j], 1e-13);
        }

        Assert.Equal(1.0, scaler.Scale[features - 1]); // the constant column: scikit-learn's scale_ = 1
        double[] z = scaler.Transform<double>(Doubles(s, "apply"));
        Assert.Equal(expected.Length, z.Length);
        for (int q = 0; q < z.Length; q++)
        {
            Assert.Equal(expected[q], z[q], 1e-12);
        }

        // Single precision data: the statistics are still computed in double, the result rounded once.
        float[] zf = StandardScaler.Fit<float>(Doubles(s, "fit").Select(v => (float)v).ToArray(), features)
            .Transform<float>(Doubles(s, "apply").Select(v => (float)v).ToArray());
        for (int q = 0; q < zf.Length; q++)
        {
            Assert.Equal(expected[q], zf[q], 1e-5);
        }
    }

    [Theory]
    [InlineData("near_constant_double")]
    [InlineData("near_constant_float")]
    public void StandardScaler_treats_a_column_constant_within_rounding_as_scikit_learn_does(string name)
    {
        // scikit-learn's _is_constant_feature (scikit-learn/scikit-learn#19788): 0.1 + 0.2 among 0.3s and 1e9 give or
        // take a few ulps are constant (scale 1); a real spread of 1e-20 and float values one float ulp apart are not.
        JsonElement s = ReferenceRoot.GetProperty(name);
        int features = s.GetProperty("features").GetInt32();
        double[] rows = Doubles(s, "rows"), scale = Doubles(s, "scale"), expected = Doubles(s, "transformed");
        bool single = name.EndsWith("float", StringComparison.Ordinal);
        StandardScaler scaler = single ? StandardScaler.Fit<float>(rows.Select(v => (float)v).ToArray(), features) : StandardScaler.Fit<double>(rows, features);
        for (int j = 0; j < features; j++)
        {
            Assert.True(
                scale[j] == 1.0 ? scaler.Scale[j] == 1.0 : Math.Abs(scaler.Scale[j] - scale[j]) <= 1e-12 * scale[j],
                $"column {j}: scale {scaler.Scale[j]:R}, scikit-learn {scale[j]:R}");
        }

        double[] z = single
            ? scaler.Transform<float>(rows.Select(v => (float)v).ToArray()).Select(v => (double)v).ToArray()
            : scaler.Transform<double>(rows);
        for (int q = 0; q < z.Length; q++)
        {
            Assert.Equal(expected[q], z[q], single ? 1e-6 : 1e-12);
        }

        // The issue's own column, four rows: constant, so about 0 rather than [0, -1.15, -1.15, -1.15].
        StandardScaler issue = StandardScaler.Fit<double>(new[] { 0.1 + 0.2, 0.3, 0.3, 0.3 }, 1);
        Assert.Equal(1.0, issue.Scale[0]);
        Assert.All(issue.Transform<double>(new[] { 0.1 + 0.2, 0.3 }), v => Assert.True(Math.Abs(v) < 1e-16, $"{v:R}"));
    }

    [Fact]
    public void StandardScaler_transforms_in_place_and_rejects_bad_rows()
    {
        var rows = new[] { 1.0, 10, 3, 10, 5, 10 };
        StandardScaler scaler = StandardScaler.Fit<double>(rows, 2);
        scaler.Transform<double>(rows, rows);

        // mean 3, population std sqrt(8/3); the constant column becomes 0.
        double s = Math.Sqrt(8.0 / 3.0);
        Assert.Equal(new[] { -2 / s, 0, 0, 0, 2 / s, 0 }, rows);
        Assert.Throws<ArgumentException>(() => StandardScaler.Fit<double>(new[] { 1.0, double.NaN }, 2));
        Assert.Throws<ArgumentException>(() => StandardScaler.Fit<double>(new[] { 1.0, 2, 3 }, 2));
        Assert.Throws<ArgumentException>(() => StandardScaler.Fit<double>(Array.Empty<double>(), 2));
        Assert.Throws<ArgumentException>(() => scaler.Transform<double>(new double[3]));
    }

    [Fact]
    public void ConfusionMatrix_and_accuracy_match_scikit_learn()
    {
        JsonElement m = ReferenceRoot.GetProperty("metrics");
        int classes = m.GetProperty("classes").GetInt32();
        int[] actual = m.GetProperty("y_true").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        int[] predicted = m.GetProperty("y_pred").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        int[][] expected = m.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();

        ConfusionMatrix matrix = ClassificationMetrics.ConfusionMatrix(actual, predicted, classes);
        int[,] array = matrix.ToArray();
        for (int i = 0; i < classes; i++)
        {
            for (int j = 0; j < classes; j++)
            {
                Assert.Equal(expected[i][j], matrix[i, j]);
                Assert.Equal(expected[i][j], array[i, j]);
            }
        }

        Assert.Equal(actual.Length, matrix.Total);
        Assert.Equal(m.GetProperty("accuracy").GetDouble(), ClassificationMetrics.Accuracy(actual, predicted));
        Assert.Equal(m.GetProperty("accuracy").GetDouble(), matrix.Accuracy, 15);

        ArgumentException bad = Assert.Throws<ArgumentException>(() => ClassificationMetrics.ConfusionMatrix(new[] { 0, 5 }, new[] { 0, 1 }, classes));
        Assert.Contains("'actual'[1] is 5", bad.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Accuracy(new[] { 0, 1 }, new[] { 0 }));
    }

    [Fact]
    public void OneHot_round_trips_and_names_a_bad_label()
    {
        Gen.Int[1, 9].SelectMany(k => Gen.Int[0, k - 1].Array[0, 40].Select(labels => (k, labels))).Sample(t =>
        {
            float[] rows = OneHot.Encode<float>(t.labels, t.k);
            Assert.Equal(t.labels.Length * t.k, rows.Length);
            for (int i = 0; i < t.labels.Length; i++)
            {
                for (int j = 0; j < t.k; j++)
                {
                    Assert.Equal(t.k == 1 ? t.labels[i] : (j == t.labels[i] ? 1f : 0f), rows[(i * t.k) + j]);
                }
            }

            var decoded = new int[t.labels.Length];
            OneHot.Decode<float>(rows, t.k, decoded);
            Assert.Equal(t.labels, decoded);
        });

        ArgumentException e = Assert.Throws<ArgumentException>(() => OneHot.Encode<float>(new[] { 0, 2, 3 }, 3));
        Assert.Contains("'labels'[2] is 3, not a class index in [0, 3)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OneHot.Encode<float>(new[] { -1 }, 3));
        Assert.Throws<ArgumentException>(() => OneHot.Encode<double>(new[] { 2 }, 1)); // one output: 0 or 1 only
    }

    [Fact]
    public void Stratified_split_keeps_each_class_share_and_is_reproducible()
    {
        // Class c is labelled values(c): the identity, or shifted to negative, int.MaxValue, int.MinValue and 4e8 c
        // (all increasing, so the classes keep their order and the split must be the same as with 0..K-1).
        Func<int, int>[] values = { c => c, c => c - 3, c => int.MaxValue - 5 + c, c => int.MinValue + c, c => c * 400_000_000 };
        Gen.Select(Gen.Int[1, 6], Gen.Int[2, 200], Gen.Double[0.05, 0.6], Gen.Int, Gen.Int[0, values.Length - 1])
            .SelectMany(t => Gen.Int[0, t.Item1 - 1].Array[t.Item2].Select(classes => (classes, fraction: t.Item3, seed: t.Item4, map: values[t.Item5])))
            .Where(t => Math.Ceiling(t.fraction * t.classes.Length) < t.classes.Length)
            .Sample(t =>
            {
                int n = t.classes.Length;
                int[] labels = t.classes.Select(t.map).ToArray();
                int testRows = (int)Math.Ceiling(t.fraction * n);
                int[] counts = t.classes.GroupBy(c => c).Select(g => g.Count()).ToArray();

                // scikit-learn's refusals: a class of one member, or a side with fewer examples than classes.
                if (counts.Min() < 2)
                {
                    ArgumentException e = Assert.Throws<ArgumentException>(() => TrainTestSplit.Stratified(labels, t.fraction, t.seed));
                    Assert.Contains("The least populated class in 'labels'", e.Message, StringComparison.Ordinal);
                    return;
                }

                if (testRows < counts.Length || n - testRows < counts.Length)
                {
                    Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Stratified(labels, t.fraction, t.seed));
                    return;
                }

                TrainTestSplit split = TrainTestSplit.Stratified(labels, t.fraction, t.seed);
                Assert.Equal(testRows, split.TestIndices.Length);
                Assert.Equal(n - testRows, split.TrainIndices.Length);
                Assert.Equal(Enumerable.Range(0, n), split.TrainIndices.Concat(split.TestIndices).Order());
                Assert.Equal(split.TestIndices.Order(), split.TestIndices);
                Assert.Equal(split.TrainIndices.Order(), split.TrainIndices);

                // Each class within one example of its exact share n_c n_test / n.
                foreach (IGrouping<int, int> c in Enumerable.Range(0, n).GroupBy(i => labels[i]))
                {
                    double share = (double)c.Count() * testRows / n;
                    int inTest = split.TestIndices.Count(i => labels[i] == c.Key);
                    Assert.True(Math.Abs(inTest - share) < 1, $"class {c.Key}: {inTest} test examples for a share of {share}");
                }

                TrainTestSplit again = TrainTestSplit.Stratified(labels, t.fraction, t.seed);
                Assert.Equal(split.TestIndices, again.TestIndices);
                Assert.Equal(TrainTestSplit.Stratified(t.classes, t.fraction, t.seed).TestIndices, split.TestIndices);
                Assert.Equal(labels.Where((_, i) => split.TestIndices.Contains(i)), split.Test<int>(labels));
            });
    }

    [Fact]
    public void Stratified_split_refuses_what_scikit_learn_refuses()
    {
        // train_test_split(..., stratify=y) in scikit-learn 1.2.1 (Reference/classification_reference.py): the same
        // cases refused, and the accepted ones give the same set sizes.
        foreach (JsonElement c in ReferenceRoot.GetProperty("stratify").EnumerateArray())
        {
            int[] labels = c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            double fraction = c.GetProperty("test_fraction").GetDouble();
            string? error = c.GetProperty("error").GetString();
            string name = $"[{string.Join(", ", labels)}] with test fraction {fraction}";
            if (error is null)
            {
                TrainTestSplit split = TrainTestSplit.Stratified(labels, fraction, 0);
                Assert.True(c.GetProperty("test").GetInt32() == split.TestIndices.Length, name);
                Assert.True(c.GetProperty("train").GetInt32() == split.TrainIndices.Length, name);
                Assert.True(labels.Distinct().All(l => split.Test<int>(labels).Contains(l) && split.Train<int>(labels).Contains(l)), name + ": every class on both sides");
            }
            else if (error.StartsWith("The least populated class in y has only 1 member", StringComparison.Ordinal))
            {
                ArgumentException e = Assert.Throws<ArgumentException>(() => TrainTestSplit.Stratified(labels, fraction, 0));
                Assert.Contains("The least populated class in 'labels'", e.Message, StringComparison.Ordinal);
                Assert.Contains("has only 1 member", e.Message, StringComparison.Ordinal);
            }
            else
            {
                // "The test_size = 2 should be greater or equal to the number of classes = 3" (or train_size).
                ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Stratified(labels, fraction, 0));
                Assert.Equal("testFraction", e.ParamName);
                string side = error.StartsWith("The test_size", StringComparison.Ordinal) ? "test" : "training";
                Assert.Contains($"gives a {side} set of", e.Message, StringComparison.Ordinal);
                Assert.Contains($"fewer than the {labels.Distinct().Count()} classes", e.Message, StringComparison.Ordinal);
            }
        }

        // The issue's case names the class.
        ArgumentException one = Assert.Throws<ArgumentException>(() => TrainTestSplit.Stratified(new[] { 0, 0, 1 }, 0.34, 0));
        Assert.Contains("(label 1) has only 1 member", one.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_sized_by_a_label_value()
    {
        // Labels {0, 1e9}: the classes are counted by sorting, so the split allocates a few arrays of n entries
        // (was two arrays of 1e9 counters, 8 GB).
        int[] labels = Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? 0 : 1_000_000_000).ToArray();
        TrainTestSplit.Stratified(labels, 0.25, 1); // first call: JIT and type loading outside the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        TrainTestSplit split = TrainTestSplit.Stratified(labels, 0.25, 1);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes for 1000 labels");
        Assert.Equal(125, split.Test<int>(labels).Count(l => l == 1_000_000_000));

        // int.MaxValue and int.MinValue are ordinary labels (int.MaxValue threw IndexOutOfRangeException).
        TrainTestSplit extremes = TrainTestSplit.Stratified(new[] { int.MaxValue, int.MinValue, int.MaxValue, int.MinValue, -1, -1 }, 0.5, 3);
        Assert.Equal(3, extremes.TestIndices.Length);

        // Where K is the caller's (one-hot rows, confusion matrices), a K too large for one array is a clear
        // argument error before anything is allocated, not an OverflowException.
        ArgumentOutOfRangeException k = Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix(46341));
        Assert.Contains("[1, 46340]", k.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.ConfusionMatrix(new[] { 0 }, new[] { 0 }, int.MaxValue));
        ArgumentException wide = Assert.Throws<ArgumentException>(() => OneHot.Encode<float>(new int[100_000], 30_000));
        Assert.Contains("more than one array holds", wide.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_split_is_a_seeded_partition()
    {
        Gen.Select(Gen.Int[2, 300], Gen.Double[0.01, 0.9], Gen.Int).Where(t => Math.Ceiling(t.Item2 * t.Item1) < t.Item1).Sample((n, fraction, seed) =>
        {
            TrainTestSplit split = TrainTestSplit.Random(n, fraction, seed);
            Assert.Equal((int)Math.Ceiling(fraction * n), split.TestIndices.Length);
            Assert.Equal(Enumerable.Range(0, n), split.TrainIndices.Concat(split.TestIndices).Order());
            Assert.Equal(split.TestIndices, TrainTestSplit.Random(n, fraction, seed).TestIndices);
        });

        // Different seeds choose different test sets (a fixed case, so the assertion cannot be luck).
        Assert.NotEqual(TrainTestSplit.Random(100, 0.3, 1).TestIndices, TrainTestSplit.Random(100, 0.3, 2).TestIndices);

        // Gathering rows of any length: 2 values per row.
        double[] data = Enumerable.Range(0, 20).Select(i => (double)i).ToArray();
        TrainTestSplit ten = TrainTestSplit.Random(10, 0.3, 5);
        Assert.Equal(ten.TestIndices.SelectMany(i => new[] { 2.0 * i, (2.0 * i) + 1 }), ten.Test<double>(data));
        Assert.Throws<ArgumentException>(() => ten.Train<double>(new double[21]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Random(10, 1.0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Random(10, 0.95, 0)); // ceil(9.5) = 10 leaves no training row
    }

    [Fact]
    public void Classify_is_the_arg_max_of_Forward_and_accuracy_counts_it()
    {
        (double[] x, int[] y) = Iris();
        var net = new IrisNetDouble();
        net.InitializeParameters(3);
        int n = y.Length;
        var expected = new int[n];
        var output = new double[3];
        for (int i = 0; i < n; i++)
        {
            net.Forward(x.AsSpan(i * 4, 4), output);
            expected[i] = Array.IndexOf(output, output.Max());
        }

        var labels = new int[n];
        net.ClassifyBatch(x, labels);
        Assert.Equal(expected, labels);
        Assert.Equal(expected, net.ClassifyBatch(x));
        Assert.Equal(expected[7], net.Classify(x.AsSpan(7 * 4, 4)));
        Assert.Equal(expected.Zip(y).Count(p => p.First == p.Second) / (double)n, net.Accuracy(x, y));
        Assert.Equal(net.Accuracy(x, y), net.Accuracy(x, OneHot.Encode<double>(y, 3)));
        ConfusionMatrix matrix = net.ConfusionMatrix(x, y);
        Assert.Equal(expected.Zip(y).Count(p => p.Second == 2 && p.First == 1), matrix[2, 1]);

        // One sigmoid output: class 1 when A >= 0.5.
        var binary = new BinaryNetDouble();
        binary.InitializeParameters(1);
        var a = new double[1];
        binary.Forward(x.AsSpan(0, 4), a);
        Assert.Equal(a[0] >= 0.5 ? 1 : 0, binary.Classify(x.AsSpan(0, 4)));

        ArgumentException e = Assert.Throws<ArgumentException>(() => net.Accuracy(x, y[..^1]));
        Assert.Contains("one integer class label in [0, 3) per example", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => net.ClassifyBatch(x, new int[n - 1]));
    }

    [Fact]
    public void Classify_allocates_nothing()
    {
        (double[] x, _) = Iris();
        var net = new IrisNet();
        net.InitializeParameters(1);
        float[] xf = x.Select(v => (float)v).ToArray();
        var labels = new int[150];
        net.ClassifyBatch(xf, labels);
        net.Classify(xf.AsSpan(0, 4));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < 10; r++)
        {
            net.ClassifyBatch(xf, labels);
            labels[0] = net.Classify(xf.AsSpan(4, 4));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Labels_and_one_hot_rows_train_bit_identical_parameters()
    {
        (double[] xd, int[] y) = Iris();
        float[] x = xd.Select(v => (float)v).ToArray();
        float[] oneHot = OneHot.Encode<float>(y, 3);
        TrainTestSplit split = TrainTestSplit.Stratified(y, 0.2, 4);
        foreach (bool shuffle in new[] { true, false })
        {
            var a = new IrisNet();
            var b = new IrisNet();
            a.InitializeParameters(5);
            b.InitializeParameters(5);
            var progressA = new List<EpochProgress>();
            var progressB = new List<EpochProgress>();
            double[] ha = a.Fit(split.Train<float>(x), split.Train<int>(y), new Adam(0.01), 7, 13, split.Test<float>(x), split.Test<int>(y), seed: 2, shuffle: shuffle, progress: new SynchronousProgress<EpochProgress>(progressA.Add));
            double[] hb = b.Fit(split.Train<float>(x), split.Train<float>(oneHot), new Adam(0.01), 7, 13, split.Test<float>(x), split.Test<float>(oneHot), seed: 2, shuffle: shuffle,
                progress: new SynchronousProgress<EpochProgress>(progressB.Add), options: new TrainingOptions { ComputeAccuracy = true });
            Assert.Equal(ha, hb);
            Assert.True(a.Parameters.SequenceEqual(b.Parameters));
            Assert.Equal(progressA.Select(p => (p.ValidationLoss, p.Accuracy, p.ValidationAccuracy)), progressB.Select(p => (p.ValidationLoss, p.Accuracy, p.ValidationAccuracy)));
        }

        // The TrainStep extension with labels against the network's own TrainStep with one-hot rows.
        var c = new IrisNet();
        var d = new IrisNet();
        c.InitializeParameters(6);
        d.InitializeParameters(6);
        var oc = new Sgd(0.1, momentum: 0.9);
        var od = new Sgd(0.1, momentum: 0.9);
        for (int s = 0; s < 5; s++)
        {
            int start = s * 20;
            Assert.Equal(c.TrainStep(x.AsSpan(start * 4, 80), y.AsSpan(start, 20), oc), d.TrainStep(x.AsSpan(start * 4, 80), oneHot.AsSpan(start * 3, 60), od));
        }

        Assert.True(c.Parameters.SequenceEqual(d.Parameters));
    }

    [Fact]
    public void Validation_loss_and_accuracies_equal_an_evaluation_written_from_the_definitions()
    {
        (double[] x, int[] y) = Iris();
        TrainTestSplit split = TrainTestSplit.Stratified(y, 0.25, 9);
        double[] trainX = split.Train<double>(x), validX = split.Test<double>(x);
        int[] trainY = split.Train<int>(y), validY = split.Test<int>(y);
        var net = new IrisNetDouble();
        net.InitializeParameters(2);
        var seen = new List<(EpochProgress Report, double Loss, double Accuracy, double ValidationAccuracy)>();
        var progress = new SynchronousProgress<EpochProgress>(p => seen.Add((p, CrossEntropy(net, validX, validY), AccuracyOf(net, trainX, trainY), AccuracyOf(net, validX, validY))));
        net.Fit(trainX, trainY, new Sgd(0.05), 12, 16, validX, validY, seed: 1, progress: progress);

        Assert.Equal(12, seen.Count);
        foreach ((EpochProgress report, double loss, double accuracy, double validationAccuracy) in seen)
        {
            Assert.Equal(loss, report.ValidationLoss!.Value, 1e-13);
            Assert.Equal(accuracy, report.Accuracy);
            Assert.Equal(validationAccuracy, report.ValidationAccuracy);
        }

        // The accuracy changes over these epochs, so the comparison is not of constants.
        Assert.True(seen.Select(s => s.Accuracy).Distinct().Count() > 1);

        static double CrossEntropy(IrisNetDouble net, double[] x, int[] y)
        {
            // J = (1/m) sum_i -log softmax(z)_y_i, from Forward's probabilities.
            double sum = 0;
            var a = new double[3];
            for (int i = 0; i < y.Length; i++)
            {
                net.Forward(x.AsSpan(i * 4, 4), a);
                sum -= Math.Log(a[y[i]]);
            }

            return sum / y.Length;
        }

        static double AccuracyOf(IrisNetDouble net, double[] x, int[] y)
        {
            int correct = 0;
            var a = new double[3];
            for (int i = 0; i < y.Length; i++)
            {
                net.Forward(x.AsSpan(i * 4, 4), a);
                correct += Array.IndexOf(a, a.Max()) == y[i] ? 1 : 0;
            }

            return (double)correct / y.Length;
        }
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(3, 0.0)]
    [InlineData(5, 1e-3)]
    public void Early_stopping_restores_exactly_the_best_epochs_parameters(int patience, double minDelta)
    {
        (double[] x, int[] y) = Iris();
        TrainTestSplit split = TrainTestSplit.Stratified(y, 0.3, 11);
        double[] trainX = split.Train<double>(x), validX = split.Test<double>(x);
        int[] trainY = split.Train<int>(y), validY = split.Test<int>(y);
        var net = new IrisNetDouble();
        net.InitializeParameters(4);
        var snapshots = new List<double[]>();
        var reports = new List<EpochProgress>();
        var progress = new SynchronousProgress<EpochProgress>(p =>
        {
            snapshots.Add(net.Parameters.ToArray());
            reports.Add(p);
        });

        // A large rate on unscaled data: the validation loss improves, then oscillates, so training stops early.
        double[] history = net.Fit(trainX, trainY, new Sgd(0.3, momentum: 0.9), 400, 8, validX, validY, seed: 3, progress: progress,
            options: new TrainingOptions { EarlyStopping = new EarlyStopping(patience, minDelta) });

        // The rule written out: improvement when loss < best - minDelta; stop after max(patience, 1) epochs without.
        double best = double.PositiveInfinity;
        int bestEpoch = 0, wait = 0, stopEpoch = 0;
        for (int e = 0; e < reports.Count; e++)
        {
            double loss = reports[e].ValidationLoss!.Value;
            if (loss < best - minDelta)
            {
                best = loss;
                bestEpoch = e + 1;
                wait = 0;
            }
            else if (++wait >= patience)
            {
                stopEpoch = e + 1;
                break;
            }
        }

        Assert.True(stopEpoch > 0 && stopEpoch < 400, $"expected an early stop, ran {reports.Count} epochs");
        Assert.Equal(stopEpoch, reports.Count);
        Assert.Equal(stopEpoch, history.Length);
        Assert.True(reports[^1].Stopping);
        Assert.Equal(bestEpoch, reports[^1].BestEpoch);
        Assert.NotEqual(bestEpoch, stopEpoch);
        Assert.Equal(snapshots[bestEpoch - 1], net.Parameters.ToArray());
        Assert.NotEqual(snapshots[^1], net.Parameters.ToArray());
    }

    [Fact]
    public void Fit_explains_wrong_targets_labels_and_a_missing_validation_set()
    {
        (double[] x, int[] y) = Iris();
        var net = new IrisNetDouble();
        ArgumentException shape = Assert.Throws<ArgumentException>(() => net.Fit(x, new double[150], new Sgd(0.1), 1, 10));
        Assert.Contains("must have length 450 but has length 150", shape.Message, StringComparison.Ordinal);
        Assert.Contains("OutputSize = 3", shape.Message, StringComparison.Ordinal);
        Assert.Contains("one-hot", shape.Message, StringComparison.Ordinal);
        Assert.Contains("ReadOnlySpan<int> of 150 labels", shape.Message, StringComparison.Ordinal);

        int[] bad = y.ToArray();
        bad[42] = 3;
        ArgumentException label = Assert.Throws<ArgumentException>(() => net.Fit(x, bad, new Sgd(0.1), 1, 10));
        Assert.Equal("labels", label.ParamName);
        Assert.Contains("'labels'[42] is 3, not a class index in [0, 3)", label.Message, StringComparison.Ordinal);

        ArgumentException noValidation = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new Sgd(0.1), 1, 10, options: new TrainingOptions { EarlyStopping = new EarlyStopping() }));
        Assert.Contains("validation", noValidation.Message, StringComparison.Ordinal);

        // The generated TrainStep's own check names the accepted shapes too.
        ArgumentException generated = Assert.Throws<ArgumentException>(() => net.TrainStep(x, new double[150], new Sgd(0.1)));
        Assert.Contains("one-hot", generated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConsoleProgress_writes_each_epoch_in_order_before_Fit_returns()
    {
        (double[] x, int[] y) = Iris();
        var net = new IrisNetDouble();
        net.InitializeParameters(1);
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        net.Fit(x, y, new Sgd(0.05), 9, 32, x, y, progress: new ConsoleProgress(writer, every: 4));
        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { "epoch 1/9", "epoch 4/9", "epoch 8/9", "epoch 9/9" }, lines.Select(l => l[..9]));
        Assert.All(lines, l => Assert.Matches(@"loss \d\.\d{4}  accuracy \d\.\d{4}  val_loss \d\.\d{4}  val_accuracy \d\.\d{4}  lr 0\.05", l));
    }
}
