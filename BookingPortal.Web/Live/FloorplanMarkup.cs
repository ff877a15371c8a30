using System.Runtime.CompilerServices;
using BookingPortal.Infrastructure.Floorplan;
using BookingPortal.Web.Components.Shared.Floorplan;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace BookingPortal.Web.Live;

/// <summary>
/// The wall display's plan and legend as ready HTML, rendered once per board and floor on this instance and shared by
/// every display. A circuit keeps each component's render tree twice (current and previous), so a plan drawn by
/// components costs every display a thousand frames; as shared markup it costs one (ADR 011). The markup comes from the
/// same Razor components as the interactive floorplan, so the two never drift apart.
/// </summary>
public sealed class FloorplanMarkup(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    private readonly ConditionalWeakTable<BoardFloor, Task<MarkupString>> _plans = new();
    private Task<MarkupString>? _legend;

    /// <summary>The display's drawing of <paramref name="floor"/>; boards are immutable, so it lives as long as the floor object.</summary>
    public Task<MarkupString> PlanAsync(BoardFloor floor) =>
        _plans.GetValue(floor, f => RenderAsync<FloorplanSvg>(new Dictionary<string, object?>
        {
            [nameof(FloorplanSvg.Floor)] = f,
            [nameof(FloorplanSvg.Large)] = true,
        }));

    public Task<MarkupString> LegendAsync() =>
        _legend ??= RenderAsync<FloorplanLegend>(new Dictionary<string, object?> { [nameof(FloorplanLegend.Large)] = true });

    private async Task<MarkupString> RenderAsync<TComponent>(Dictionary<string, object?> parameters) where TComponent : IComponent
    {
        // A renderer (in a scope, as components expect) per drawing: it keeps every component it rendered until disposed.
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        return new MarkupString(html);
    }
}
