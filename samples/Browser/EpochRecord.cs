namespace Backprop.Generated.Samples.Browser;

/// <summary>One finished epoch as the page shows it.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Loss">Mean training cross-entropy J over the epoch's mini-batches (nats).</param>
/// <param name="ValidationLoss">J on the test rows after the epoch (watched only, as Keras's val_loss).</param>
/// <param name="ValidationAccuracy">Fraction of test rows classified correctly after the epoch, 0..1.</param>
/// <param name="Milliseconds">The epoch's time as Fit measures it (training and evaluation), ms.</param>
public sealed record EpochRecord(int Epoch, double Loss, double ValidationLoss, double ValidationAccuracy, double Milliseconds);
