using System;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Linq;
using System.Threading;

/// <summary>
/// The runtime's own JIT events, in process: MethodJittingStarted (145) and MethodLoadVerbose (143) of the
/// Microsoft-Windows-DotNETRuntime source (JIT keyword 0x10, verbose). A method's JIT time is the time between the two
/// on its thread; its tier is MethodLoadVerbose's MethodFlags bits 7-9. Only for the --methods listing: listening
/// compiles code of its own and delays the events' dispatch, so the RESULT line of such a run is not a measurement.
/// </summary>
public sealed class JitEventListener : EventListener
{
    private const int MethodLoadVerbose = 143;
    private const int MethodJittingStarted = 145;
    private readonly object _gate = new();
    private readonly Dictionary<(ulong Id, long Thread), DateTime> _started = new();
    private readonly List<(DateTime Start, DateTime End, string Name, int Tier, int Flags)> _compiled = new();
    private int _seen;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x10);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.Payload is null || (e.EventId != MethodJittingStarted && e.EventId != MethodLoadVerbose))
        {
            return;
        }

        ulong id = Convert.ToUInt64(e.Payload[e.PayloadNames!.IndexOf("MethodID")], CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _seen++;
            if (e.EventId == MethodJittingStarted)
            {
                _started[(id, e.OSThreadId)] = e.TimeStamp;
                return;
            }

            if (!_started.Remove((id, e.OSThreadId), out DateTime start))
            {
                return;
            }

            string ns = (string)e.Payload[e.PayloadNames.IndexOf("MethodNamespace")]!;
            string name = (string)e.Payload[e.PayloadNames.IndexOf("MethodName")]!;
            int flags = Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("MethodFlags")], CultureInfo.InvariantCulture);
            _compiled.Add((start, e.TimeStamp, $"{ns}:{name}", (flags >> 7) & 0x7, flags));
        }
    }

    /// <summary>
    /// Waits until the events of the work so far have been dispatched: at least one (the listener's own handling code is
    /// then compiled, outside the window measured), then none new for 300 ms.
    /// </summary>
    public void Settle()
    {
        for (int i = 0; i < 100 && Volatile.Read(ref _seen) == 0; i++)
        {
            Thread.Sleep(50);
        }

        int last = -1;
        while (true)
        {
            Thread.Sleep(300);
            lock (_gate)
            {
                if (_seen == last)
                {
                    return;
                }

                last = _seen;
            }
        }
    }

    /// <summary>
    /// The methods whose compilation started and ended inside [from, to], in the order their compilation started, as
    /// METHOD lines: JIT ms, tier, Namespace.Type:Method (the events name no generic arguments of a method).
    /// </summary>
    public void Print(DateTime from, DateTime to)
    {
        Settle();
        lock (_gate)
        {
            foreach (var m in _compiled.Where(m => m.Start.ToUniversalTime() >= from && m.End.ToUniversalTime() <= to)
                         .OrderBy(m => m.Start))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"METHOD\t{(m.End - m.Start).TotalMilliseconds:F3}\t{TierName(m.Tier)}\t{m.Name}"));
            }
        }
    }

    /// <summary>
    /// The runtime's JitOptimizationTier values in MethodFlags (ETW::MethodLog::MethodStructs): cross-checked against
    /// the tiers that DOTNET_JitDisasmSummary prints for the same run (--methods prints both).
    /// </summary>
    private static string TierName(int tier) => tier switch
    {
        1 => "MinOpts",
        2 => "FullOpts",
        3 => "Tier0",
        4 => "Tier1",
        5 => "Tier1-OSR",
        6 => "Tier0-instrumented",
        7 => "Tier1-instrumented",
        _ => $"tier {tier}",
    };
}
