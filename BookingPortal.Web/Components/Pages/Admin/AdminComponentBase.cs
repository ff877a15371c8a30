using BookingPortal.Domain.Common;
using BookingPortal.Web.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BookingPortal.Web.Components.Pages.Admin;

/// <summary>What admin pages and their parts need: who is acting, and a flag browser tests wait for before they click.</summary>
public abstract class AdminComponentBase : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>"true" once the circuit runs the page; the prerendered copy is inert.</summary>
    protected string Interactive => RendererInfo.IsInteractive ? "true" : "false";

    protected async Task<Actor> ActorAsync()
    {
        var state = AuthenticationState ?? throw new InvalidOperationException("Admin pages render inside the app's authentication state.");
        return (await state).User.ToActor();
    }
}
