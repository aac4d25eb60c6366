using System;
using Backprop.Generated;

// The weights of a tiny trained model, in the documented flat layout:
// W1 (3x2, row-major), b1 (2), W2 (2x1), b2 (1).
float[] trainedWeights =
[
    0.5f, -0.25f,
    -1.0f, 0.75f,
    0.25f, 0.5f,
    0.1f, -0.1f,
    1.5f,
    -2.0f,
    0.3f,
];

var net = new Student();
net.LoadParameters(trainedWeights); // exactly ParameterCount values, or ArgumentException

float[] x = [0.9f, 0.2f, 0.4f]; // GPA, GRE and class rank, scaled
Span<float> y = stackalloc float[Student.OutputSize];
net.Forward(x, y);

Console.WriteLine($"Student: {Student.InputSize} inputs -> {Student.OutputSize} output, {Student.ParameterCount} parameters");
Console.WriteLine($"Forward([{string.Join(", ", x)}]) = {y[0]:F6}");

// The fixed-size types cannot be passed with the wrong length at all.
var input = new Student.Input();
input[0] = 0.9f;
input[1] = 0.2f;
input[2] = 0.4f;
Student.Output output = net.Forward(input);
Console.WriteLine($"Forward(in Input) = {output[0]:F6}");

[Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
public partial class Student { }
