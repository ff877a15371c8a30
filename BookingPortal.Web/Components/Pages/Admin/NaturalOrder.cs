namespace BookingPortal.Web.Components.Pages.Admin;

/// <summary>Orders "Desk 2" before "Desk 10", as people count, comparing runs of digits by their value.</summary>
internal sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return string.Compare(x, y, StringComparison.Ordinal);
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (a, nextI) = Number(x, i);
                var (b, nextJ) = Number(y, j);
                if (a != b)
                {
                    return a.CompareTo(b);
                }

                (i, j) = (nextI, nextJ);
                continue;
            }

            var byChar = char.ToUpperInvariant(x[i]).CompareTo(char.ToUpperInvariant(y[j]));
            if (byChar != 0)
            {
                return byChar;
            }

            i++;
            j++;
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    private static (decimal Value, int End) Number(string text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]) && end - start < 20)
        {
            end++;
        }

        return (decimal.Parse(text.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture), end);
    }
}
