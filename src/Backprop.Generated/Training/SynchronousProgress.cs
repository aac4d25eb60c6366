using System;

namespace Backprop.Generated;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler on the reporting thread before <c>Report</c> returns: the
/// in-order replacement for <c>new Progress&lt;T&gt;(handler)</c>, which posts every report to the captured
/// synchronisation context or, in a console program, the thread pool, so handlers run late, concurrently and out of order.
/// </summary>
/// <typeparam name="T">The report type, e.g. <see cref="EpochProgress"/>.</typeparam>
public sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    /// <summary>Creates the reporter.</summary>
    /// <param name="handler">Called with each report, synchronously.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    public SynchronousProgress(Action<T> handler) => _handler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <summary>Calls the handler with <paramref name="value"/> before returning.</summary>
    /// <param name="value">The report.</param>
    public void Report(T value) => _handler(value);
}
