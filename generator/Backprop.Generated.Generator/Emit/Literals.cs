using System.Globalization;
using Backprop.Generated.Generator.Model;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Every number in generated code goes through here, formatted with the invariant culture: under a
/// culture whose minus sign is U+2212 or whose decimal separator is a comma, the output must still compile.
/// </summary>
internal static class Literals
{
    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A thousands-grouped integer for comments, e.g. 100,352.</summary>
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A real literal of the network's precision, e.g. <c>0.5f</c> or <c>0.5d</c>.</summary>
    public static string Real(double value, PrecisionKind precision) =>
        precision == PrecisionKind.Single
            ? ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f"
            : value.ToString("R", CultureInfo.InvariantCulture) + "d";
}
