using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace BookingPortal.Tests.Support;

/// <param name="EventId">The frame's <c>id:</c> field, the position a client resumes after; null when it had none.</param>
public sealed record SseEvent(string Name, string Data, long? EventId = null)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;

    public Guid Id => Json.GetProperty("id").GetGuid();
}

/// <summary>
/// Reads a text/event-stream the way a browser's EventSource does (named events, data lines, comments ignored) and
/// queues the events for the test to await. Opening returns once the server has sent its first bytes, so the stream
/// is subscribed before the test makes the change it waits for.
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private readonly Task _reading;

    private SseClient(HttpClient client, HttpResponseMessage response, StreamReader reader)
    {
        _client = client;
        _response = response;
        _reading = ReadAsync(reader);
    }

    /// <param name="lastEventId">Sent as <c>Last-Event-ID</c>, as a browser's EventSource does when it reconnects.</param>
    public static async Task<SseClient> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        client.Timeout = Timeout.InfiniteTimeSpan;
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        // The server greets with a comment as soon as the subscription exists.
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (first is null || !first.StartsWith(':'))
        {
            throw new InvalidOperationException($"The stream did not open with a comment but with '{first}'.");
        }

        return new SseClient(client, response, reader);
    }

    /// <summary>The next event <paramref name="wanted"/> accepts, skipping others; fails after <paramref name="patience"/>.</summary>
    public async Task<SseEvent> NextAsync(Func<SseEvent, bool> wanted, TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(15));
        var skipped = new List<string>();
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(timeout.Token);
                if (wanted(next))
                {
                    return next;
                }

                skipped.Add(next.Name);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching event arrived; skipped: [{string.Join(", ", skipped)}].");
        }
    }

    /// <summary>Events received so far and not yet taken.</summary>
    public List<SseEvent> Drain()
    {
        var events = new List<SseEvent>();
        while (_events.Reader.TryRead(out var next))
        {
            events.Add(next);
        }

        return events;
    }

    private async Task ReadAsync(StreamReader reader)
    {
        string? name = null;
        long? id = null;
        var data = new StringBuilder();
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        _events.Writer.TryWrite(new SseEvent(name ?? "message", data.ToString().TrimEnd('\n'), id));
                    }

                    (name, id, data) = (null, null, new StringBuilder());
                }
                else if (line.StartsWith("id:", StringComparison.Ordinal))
                {
                    id = long.Parse(line["id:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    name = line["event:".Length..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Append(line["data:".Length..].TrimStart(' ')).Append('\n');
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // Closed by the test or the server.
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _client.Dispose();
        _stop.Dispose();
    }
}
