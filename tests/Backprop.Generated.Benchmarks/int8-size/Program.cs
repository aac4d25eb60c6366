using Backprop.Generated;
#if DIGITS
#if INT8
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = "models/digits.safetensors", Quantization = Quantization.Int8)]
#else
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = "models/digits.safetensors")]
#endif
public partial class Net { }
#else
#if INT8
[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = "models/w4.safetensors", Quantization = Quantization.Int8)]
#else
[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = "models/w4.safetensors")]
#endif
public partial class Net { }
#endif
public static class Program
{
    public static void Main()
    {
#if INT8
        var q = new Net.Int8();
        float[] x = new float[Net.InputSize], y = new float[Net.OutputSize];
        q.Forward(x, y);
        System.Console.WriteLine(string.Join(" ", y));
#else
        var n = new Net();
        System.Console.WriteLine(n.Parameters[0]);
#endif
    }
}
