using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace BookingPortal.Tests.Browser;

/// <summary>axe-core's WCAG checks on the page as it stands, failing with every violation and the markup it found.</summary>
public static class Accessibility
{
    public static async Task AssertNoViolationsAsync(IPage page)
    {
        var violations = (await page.RunAxe()).Violations;
        Assert.True(violations.Length == 0, string.Join("\n", violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})")));
    }
}
