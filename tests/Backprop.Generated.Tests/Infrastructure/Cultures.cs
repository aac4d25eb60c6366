using System.Globalization;

namespace Backprop.Generated.Tests.Infrastructure;

public static class Cultures
{
    /// <summary>
    /// A culture that formats -1234.5 as "−1 234,5" (U+2212 minus, comma decimal, no-break-space
    /// grouping), as sv-SE and fi-FI do; built by hand so the tests do not depend on ICU data.
    /// </summary>
    public static CultureInfo UnicodeMinusWithDecimalComma
    {
        get
        {
            var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            culture.NumberFormat.NegativeSign = "\u2212";
            culture.NumberFormat.NumberDecimalSeparator = ",";
            culture.NumberFormat.NumberGroupSeparator = "\u00A0";
            return culture;
        }
    }
}
