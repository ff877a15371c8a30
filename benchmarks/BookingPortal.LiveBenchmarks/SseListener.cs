using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace BookingPortal.Benchmarks;

/// <summary>One SSE client: notes when each booking.created event arrives, by booking id, and tells the run.</summary>
internal sealed class SseListener : IAsyncDisposable
{
    private const string IdField = "\"id\":\"";

    private readonly HttpResponseMessage _response;
    private readonly Action<Guid> _onArrival;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<Guid, long> _arrivals = [];
    private readonly Task _reading;

    private SseListener(HttpResponseMessage response, StreamReader reader, Action<Guid> onArrival)
    {
        _response = response;
        _onArrival = onArrival;
        _reading = ReadAsync(reader);
    }

    public static async Task<SseListener> OpenAsync(HttpClient client, string token, Action<Guid> onArrival)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        // The opening comment means the subscription exists.
        await reader.ReadLineAsync();
        return new SseListener(response, reader, onArrival);
    }

    public bool HasReceived(Guid id)
    {
        lock (_arrivals)
        {
            return _arrivals.ContainsKey(id);
        }
    }

    /// <summary>The Stopwatch timestamp at which the event about booking <paramref name="id"/> arrived.</summary>
    public long ArrivalOf(Guid id)
    {
        lock (_arrivals)
        {
            return _arrivals[id];
        }
    }

    private async Task ReadAsync(StreamReader reader)
    {
        var created = false;
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    created = line == "event: booking.created";
                }
                else if (created && line.StartsWith("data:", StringComparison.Ordinal))
                {
                    var at = Stopwatch.GetTimestamp();
                    var start = line.IndexOf(IdField, StringComparison.Ordinal) + IdField.Length;
                    var id = Guid.Parse(line.AsSpan(start, 36));
                    lock (_arrivals)
                    {
                        _arrivals[id] = at;
                    }

                    _onArrival(id);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // Closed at the end of the run.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _stop.Dispose();
    }
}
