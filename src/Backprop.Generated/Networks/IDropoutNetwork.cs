namespace Backprop.Generated;

/// <summary>
/// A network declared with <c>Dropout</c>: its training draws inverted-dropout masks from this random stream
/// (see docs/dropout.md). <see cref="GradientCheck"/> restores the stream before each evaluation of J, so every
/// evaluation sees the same masks.
/// </summary>
public interface IDropoutNetwork
{
    /// <summary>
    /// The stream the next training call draws its masks from: one <see cref="SplitMix64.NextDouble"/> per unit of each
    /// dropped layer, in the order example, then layer (ascending), then unit (ascending). <c>InitializeParameters(seed)</c>
    /// sets it to the weights' stream after the last weight; set it to reproduce or replay a step.
    /// </summary>
    SplitMix64 DropoutRandom { get; set; }
}
