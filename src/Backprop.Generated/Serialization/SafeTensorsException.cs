using System;

namespace Backprop.Generated.Serialization;

/// <summary>
/// A weights file (safetensors) that cannot be loaded into a network: truncated, a bad or oversized header, a
/// header that is not JSON, an unknown dtype, overlapping or out-of-range offsets, a missing or extra tensor, a
/// shape that does not fit the declared topology, or a value that is not finite. The message names the tensor and
/// the expected and actual shapes or sizes. When this is thrown the network's parameters are unchanged.
/// </summary>
[Serializable]
public sealed class SafeTensorsException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the tensor and the expected and actual shapes.</param>
    /// <param name="tensorName">The tensor at fault, or <see langword="null"/> when the fault is not in one tensor.</param>
    /// <param name="innerException">The parser's exception, if any.</param>
    public SafeTensorsException(string message, string? tensorName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        TensorName = tensorName;
    }

    /// <summary>The tensor at fault (for example "layers.0.weight"), or <see langword="null"/>.</summary>
    public string? TensorName { get; }
}
