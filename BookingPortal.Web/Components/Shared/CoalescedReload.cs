namespace BookingPortal.Web.Components.Shared;

/// <summary>
/// Runs a page's reload for live events one at a time, and a burst of events as one more reload rather than one
/// each. Call it through the component's dispatcher (InvokeAsync), which keeps the flags single-threaded.
/// </summary>
internal sealed class CoalescedReload(Func<Task> reload)
{
    private bool _running;
    private bool _again;

    public async Task RunAsync()
    {
        if (_running)
        {
            _again = true;
            return;
        }

        _running = true;
        try
        {
            do
            {
                _again = false;
                await reload();
            }
            while (_again);
        }
        finally
        {
            _running = false;
        }
    }
}
