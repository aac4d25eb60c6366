namespace Backprop.Generated;

/// <summary>
/// The SplitMix64 pseudo-random generator (Steele, Lea and Flood, 2014): integer arithmetic only, so
/// a seed gives the same stream on every platform and runtime (unlike <see cref="System.Random"/>,
/// whose algorithm is not specified). Used for initialisation and shuffling.
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts the stream at <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value; equal seeds give equal streams.</param>
    public SplitMix64(ulong seed)
    {
        _state = seed;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Moves the stream on by <paramref name="draws"/> draws of <see cref="NextUInt64"/> at once (each draw adds one
    /// constant to the state), so a chunk of a batch can start where a sequential run would be after its earlier rows.
    /// </summary>
    internal void Advance(long draws) => _state += unchecked((ulong)draws * 0x9E3779B97F4A7C15UL);

    /// <summary>A double uniform on [0, 1): the top 53 bits times 2^-53, exact in every IEEE implementation.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>An integer uniform on [0, <paramref name="exclusiveMax"/>), without modulo bias (rejection sampling).</summary>
    /// <param name="exclusiveMax">The bound, &gt; 0.</param>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0)
        {
            throw new System.ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "The bound must be greater than zero.");
        }

        ulong bound = (ulong)exclusiveMax;
        ulong limit = ulong.MaxValue - (ulong.MaxValue % bound);
        ulong draw;
        do
        {
            draw = NextUInt64();
        }
        while (draw >= limit);
        return (int)(draw % bound);
    }
}
