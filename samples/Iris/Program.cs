using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Backprop.Generated;

// Fisher's iris flowers (150 examples, 4 measurements in cm, 3 species), the copy scikit-learn 1.2.1 ships
// (sklearn/datasets/data/iris.csv); origin: R. A. Fisher (1936) via the UCI Machine Learning Repository,
// CC BY 4.0 (see data/README.md). A 4-8-3 network, tanh then softmax with cross-entropy, learns the species.
string path = Path.Combine(AppContext.BaseDirectory, "data", "iris.csv");
string[] lines = File.ReadAllLines(path);
string[] species = lines[0].Split(',')[2..];                     // header: rows, features, class names
float[] x = lines[1..].SelectMany(line => line.Split(',')[..4].Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
int[] y = lines[1..].Select(line => int.Parse(line.Split(',')[4], CultureInfo.InvariantCulture)).ToArray();

// Hold out 20% for the test (stratified: 10 of each species), then 20% of the rest for validation.
TrainTestSplit outer = TrainTestSplit.Stratified(y, testFraction: 0.2, seed: 0);
float[] restX = outer.Train<float>(x), testX = outer.Test<float>(x);
int[] restY = outer.Train<int>(y), testY = outer.Test<int>(y);
TrainTestSplit inner = TrainTestSplit.Stratified(restY, testFraction: 0.2, seed: 1);
float[] trainX = inner.Train<float>(restX), validX = inner.Test<float>(restX);
int[] trainY = inner.Train<int>(restY), validY = inner.Test<int>(restY);
Console.WriteLine($"iris: {trainY.Length} training, {validY.Length} validation and {testY.Length} test examples");

// Standardise with the training rows' mean and standard deviation only, then apply to every set.
StandardScaler scaler = StandardScaler.Fit<float>(trainX, IrisClassifier.InputSize);
Console.WriteLine("feature means   " + string.Join("  ", scaler.Mean.ToArray().Select(v => v.ToString("F3", CultureInfo.InvariantCulture))));
Console.WriteLine("feature std devs " + string.Join("  ", scaler.Scale.ToArray().Select(v => v.ToString("F3", CultureInfo.InvariantCulture))));
scaler.Transform<float>(trainX, trainX);
scaler.Transform<float>(validX, validX);
scaler.Transform<float>(testX, testX);

var net = new IrisClassifier();
net.InitializeParameters(seed: 0);
var options = new TrainingOptions { EarlyStopping = new EarlyStopping(patience: 20) };
double[] loss = net.Fit(trainX, trainY, new Sgd(0.05, momentum: 0.9), epochs: 300, batchSize: 8,
    validationInputs: validX, validationLabels: validY, seed: 0,
    progress: new ConsoleProgress(every: 20), options: options);
Console.WriteLine($"trained {loss.Length} epochs; parameters restored from the epoch with the lowest validation loss");

Console.WriteLine();
Console.WriteLine($"training accuracy   {net.Accuracy(trainX, trainY):P1}");
Console.WriteLine($"validation accuracy {net.Accuracy(validX, validY):P1}");
ConfusionMatrix confusion = net.ConfusionMatrix(testX, testY);
Console.WriteLine($"test accuracy       {net.Accuracy(testX, testY):P1} ({confusion.Correct} of {confusion.Total})");
Console.WriteLine();
Console.WriteLine("test confusion matrix (rows: true species, columns: predicted)");
Console.WriteLine(confusion.ToString(species));

// One flower, classified: the first test example.
int predicted = net.Classify(testX.AsSpan(0, IrisClassifier.InputSize));
Console.WriteLine();
Console.WriteLine($"first test flower: {species[predicted]} (true: {species[testY[0]]})");

[Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class IrisClassifier { }
