using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Collections.Generic;
using System.Text.Json;
using Backprop.Generated;
using ScottPlot;
using ScottPlot.Plottables;
using Spectre.Console;

// Handwritten digits (8x8 pixels, UCI via scikit-learn; see data/README.md): 64-32-10, tanh, softmax +
// cross-entropy, SGD lr 0.1 without momentum, batch 32, 50 epochs, inputs / 16, and scikit-learn's
// train_test_split(test_size=0.25, random_state=0, stratify=y). scikit-learn's MLPClassifier with these
// settings reaches 97.56% (data/digits_sklearn_baseline.py). The labels are integers: Fit expands them to one-hot rows.
const int Features = 64;
const int Epochs = 50;

string folder = Path.Combine(AppContext.BaseDirectory, "data");
float[][] rows;
using (var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(folder, "digits.csv.gz")), CompressionMode.Decompress)))
{
    rows = reader.ReadToEnd()
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())
        .ToArray();
}

using JsonDocument split = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "digits_split.json")));
(float[] trainX, int[] trainLabels) = Take(split.RootElement.GetProperty("train").Deserialize<int[]>()!);
(float[] testX, int[] testLabels) = Take(split.RootElement.GetProperty("test").Deserialize<int[]>()!);
Console.WriteLine($"digits: {trainLabels.Length} training and {testLabels.Length} test examples; network {string.Join("-", DigitsClassifier.LayerSizes.ToArray())}, {DigitsClassifier.ParameterCount} parameters");

var net = new DigitsClassifier();
net.InitializeParameters(seed: 0);

// One warm-up epoch on a copy, so the timing below measures optimised code rather than the JIT.
var warmUp = new DigitsClassifier();
warmUp.Fit(trainX, trainLabels, new Sgd(0.1), epochs: 1, batchSize: 32);

// Training with the held-out rows as validation data, as Keras's validation_data: they are only watched (no early
// stopping, no choice made on them), so the test accuracy below stays an unbiased estimate. Fit reports each epoch
// synchronously, in order, to the Spectre.Console progress bar.
var epochs = new List<EpochProgress>();
var stopwatch = Stopwatch.StartNew();
double[] history = null!;
AnsiConsole.Progress()
    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
    .Start(context =>
    {
        ProgressTask task = context.AddTask("training", maxValue: Epochs);
        history = net.Fit(trainX, trainLabels, new Sgd(0.1), Epochs, batchSize: 32, testX, testLabels, seed: 0,
            progress: new SynchronousProgress<EpochProgress>(p =>
            {
                epochs.Add(p);
                task.Description = $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F4} val_loss {p.ValidationLoss:F4} val_accuracy {p.ValidationAccuracy:P1}";
                task.Increment(1);
            }));
    });
stopwatch.Stop();

var table = new Table().AddColumns("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "ms");
foreach (EpochProgress p in epochs.Where(p => p.Epoch == 1 || p.Epoch % 10 == 0))
{
    table.AddRow($"{p.Epoch}", $"{p.Loss:F4}", $"{p.Accuracy:P2}", $"{p.ValidationLoss:F4}", $"{p.ValidationAccuracy:P2}", $"{p.Elapsed.TotalMilliseconds:F2}");
}

AnsiConsole.Write(table);

double accuracy = net.Accuracy(testX, testLabels);
Console.WriteLine($"final training loss {history[^1]:F4}");
Console.WriteLine($"test accuracy {accuracy:P2} ({net.ConfusionMatrix(testX, testLabels).Correct} of {testLabels.Length})");
double median = epochs.Select(p => p.Elapsed.TotalMilliseconds).Order().ElementAt(Epochs / 2);
Console.WriteLine($"{stopwatch.Elapsed.TotalMilliseconds / Epochs:F2} ms per epoch on average, training and evaluation ({stopwatch.Elapsed.TotalMilliseconds:F0} ms for {Epochs} epochs), median epoch {median:F2} ms");
Console.WriteLine();
Console.WriteLine("test confusion matrix (rows: true digit, columns: predicted)");
Console.WriteLine(net.ConfusionMatrix(testX, testLabels));
Console.WriteLine();

// The learning curves: loss (top) and accuracy (bottom) per epoch, training and validation.
string plotPath = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "digits-training.png"));
PlotCurves(epochs, plotPath);
Console.WriteLine($"learning curves written to {plotPath}");
if (SkiaSharp.SKTypeface.Default.GlyphCount == 0)
{
    // SkiaSharp's Linux build reads fonts from /usr/share/fonts; without any, the plot has no text.
    Console.WriteLine("warning: no fonts found, so the plot has no titles or labels; on Debian/Ubuntu: apt-get install fonts-dejavu-core");
}

// Keep the trained network: a safetensors file (PyTorch nn.Linear layout) that a fresh instance, PyTorch or a
// build with baked-in weights can load. The first argument names the file; the default is next to the program.
string weightsPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "digits.safetensors");
net.Save(weightsPath);
var reloaded = new DigitsClassifier();
reloaded.Load(weightsPath);
Console.WriteLine($"saved {new FileInfo(weightsPath).Length} bytes to {weightsPath}; reloaded test accuracy {reloaded.Accuracy(testX, testLabels):P2}");

static void PlotCurves(List<EpochProgress> epochs, string path)
{
    double[] x = epochs.Select(p => (double)p.Epoch).ToArray();
    var multiplot = new Multiplot();
    multiplot.AddPlots(2);
    Plot loss = multiplot.GetPlot(0);
    Plot accuracy = multiplot.GetPlot(1);

    Scatter trainLoss = loss.Add.Scatter(x, epochs.Select(p => p.Loss).ToArray());
    trainLoss.LegendText = "training loss";
    Scatter validLoss = loss.Add.Scatter(x, epochs.Select(p => p.ValidationLoss!.Value).ToArray());
    validLoss.LegendText = "validation loss";
    loss.Title("64-32-10 on handwritten digits: cross-entropy per epoch");
    loss.YLabel("loss J");
    loss.XLabel("epoch");
    loss.Axes.SetLimitsY(0, 1.05 * epochs.Max(p => Math.Max(p.Loss, p.ValidationLoss!.Value)));
    loss.ShowLegend(Alignment.UpperRight);

    Scatter trainAccuracy = accuracy.Add.Scatter(x, epochs.Select(p => 100 * p.Accuracy!.Value).ToArray());
    trainAccuracy.LegendText = "training accuracy";
    Scatter validAccuracy = accuracy.Add.Scatter(x, epochs.Select(p => 100 * p.ValidationAccuracy!.Value).ToArray());
    validAccuracy.LegendText = "validation accuracy";
    accuracy.Title("accuracy per epoch");
    accuracy.YLabel("accuracy (%)");
    accuracy.XLabel("epoch");
    accuracy.ShowLegend(Alignment.LowerRight);

    multiplot.SavePng(path, 900, 900);
}

(float[] X, int[] Labels) Take(int[] indices)
{
    var x = new float[indices.Length * Features];
    var y = new int[indices.Length];
    for (int i = 0; i < indices.Length; i++)
    {
        float[] row = rows[indices[i]];
        for (int j = 0; j < Features; j++)
        {
            x[(i * Features) + j] = row[j] / 16f;
        }

        y[i] = (int)row[Features];
    }

    return (x, y);
}

[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class DigitsClassifier { }
