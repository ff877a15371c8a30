using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace BookingPortal.Benchmarks;

/// <summary>
/// One API client with its own account doing random operations on its own bookings, each request to a random
/// instance. It behaves as the README asks a client to: a create is retried with its Idempotency-Key after a 503 or a
/// lost connection (to whichever instance comes next), a 412 re-reads the booking, and a write whose outcome it never
/// learned is not repeated. It retries after a second rather than the five Retry-After asks for, so that the outage
/// gets requests rather than clients that all sleep through it.
/// </summary>
internal sealed class ChaosClient(
    string name, string accessToken, IReadOnlyList<ChaosInstance> instances, HttpClient http, ChaosLedger ledger, ChaosVenue venue, int seed)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Random _random = new(seed);
    private readonly AuthenticationHeaderValue _bearer = new("Bearer", accessToken);
    private readonly Dictionary<Guid, BookingState> _mine = [];
    private readonly List<(string Key, object Body)> _creates = [];
    private int _keys;

    /// <summary>Operations until <paramref name="stop"/>; a create under way then still gets its answer, until <paramref name="giveUp"/>.</summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken giveUp)
    {
        while (!stop.IsCancellationRequested)
        {
            var roll = _random.Next(100);
            var task = roll switch
            {
                < 22 => CreateAsync(venue.Later(_random), giveUp),
                < 30 => CreateAsync(venue.Soon(_random), giveUp),
                < 37 => ReplayAsync(giveUp),
                < 52 => MoveAsync(),
                < 60 => ResizeAsync(),
                < 70 => CancelAsync(),
                < 78 => CheckInAsync(),
                < 85 => CreateSeriesAsync(giveUp),
                < 94 => ChangeFollowingAsync(),
                _ => CancelFollowingAsync(),
            };
            await task;
        }
    }

    private Task CreateAsync((Guid Resource, DateTimeOffset Start, DateTimeOffset End) slot, CancellationToken giveUp)
    {
        var body = new { resourceIds = new[] { slot.Resource }, start = slot.Start, end = slot.End, title = $"Chaos {name}", attendeeCount = 1 };
        return CreateNewAsync("create", body, giveUp);
    }

    private Task CreateSeriesAsync(CancellationToken giveUp)
    {
        var (resource, start, end) = venue.SeriesStart(_random);
        var body = new
        {
            resourceIds = new[] { resource }, start, end, title = $"Chaos series {name}", attendeeCount = 1,
            recurrence = new { frequency = "daily", count = 3 },
        };
        return CreateNewAsync("series create", body, giveUp);
    }

    private Task CreateNewAsync(string operation, object body, CancellationToken giveUp)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{name}-{++_keys}");
        _creates.Add((key, body));
        return CreateWithKeyAsync(operation, key, body, giveUp);
    }

    /// <summary>The same key and body again, as a client does that lost the first answer: it must get the first one.</summary>
    private Task ReplayAsync(CancellationToken giveUp)
    {
        if (_creates.Count == 0)
        {
            return CreateAsync(venue.Later(_random), giveUp);
        }

        var (key, body) = _creates[_random.Next(_creates.Count)];
        return CreateWithKeyAsync("create replay", key, body, giveUp);
    }

    private async Task CreateWithKeyAsync(string operation, string key, object body, CancellationToken giveUp)
    {
        while (true)
        {
            var reply = await SendAsync(operation, HttpMethod.Post, "/api/bookings", body, headers => headers.Add("Idempotency-Key", key));
            if (reply.Status is 503 or null && !giveUp.IsCancellationRequested)
            {
                ledger.Retried();
                await Task.Delay(RetryDelay, CancellationToken.None);
                continue;
            }

            if (reply.Status is 201 or 202 && reply.Json is { } json)
            {
                if (json.TryGetProperty("bookings", out var bookings))
                {
                    ledger.KeyAnswered(key, json.GetProperty("seriesId").GetGuid());
                    foreach (var booking in bookings.EnumerateArray())
                    {
                        Acknowledge(booking);
                    }
                }
                else
                {
                    ledger.KeyAnswered(key, Acknowledge(json).Id);
                }
            }

            return;
        }
    }

    private Task MoveAsync()
    {
        var booking = Pick(b => b.Status == "Confirmed" && b.Start > DateTimeOffset.UtcNow.AddMinutes(2));
        if (booking is null)
        {
            return Task.CompletedTask;
        }

        var shift = TimeSpan.FromMinutes(15 * _random.Next(1, 5));
        // Earlier only when that stays clear of now, else later; booked "soon" ones thereby stay checkable.
        var start = booking.Start - shift > DateTimeOffset.UtcNow.AddMinutes(5) && _random.Next(2) == 0 ? booking.Start - shift : booking.Start + shift;
        return ChangeAsync("move", booking, new { start, end = start + (booking.End - booking.Start) });
    }

    private Task ResizeAsync()
    {
        var booking = Pick(b => b.Status == "Confirmed" && b.Start > DateTimeOffset.UtcNow.AddMinutes(2));
        return booking is null
            ? Task.CompletedTask
            : ChangeAsync("resize", booking, new { start = booking.Start, end = booking.Start + TimeSpan.FromMinutes(15 * _random.Next(1, 7)) });
    }

    private async Task ChangeAsync(string operation, BookingState booking, object body)
    {
        var reply = await SendAsync(operation, HttpMethod.Patch, $"/api/bookings/{booking.Id}", body,
            headers => headers.IfMatch.Add(new EntityTagHeaderValue($"\"{booking.Version}\"")));
        await OnWriteAnswerAsync(reply, [booking.Id]);
    }

    private async Task CancelAsync()
    {
        if (Pick(b => b.Status == "Confirmed") is { } booking)
        {
            var reply = await SendAsync("cancel", HttpMethod.Post, $"/api/bookings/{booking.Id}/cancel", new { reason = "Chaos" });
            await OnWriteAnswerAsync(reply, [booking.Id]);
        }
    }

    private async Task CheckInAsync()
    {
        var now = DateTimeOffset.UtcNow;
        // The check-in window: from 15 minutes before the start until the location's grace period (15 minutes) ends.
        if (Pick(b => b.Status == "Confirmed" && b.Start - TimeSpan.FromMinutes(14) < now && now < b.Start + TimeSpan.FromMinutes(14)) is { } booking)
        {
            var reply = await SendAsync("check-in", HttpMethod.Post, $"/api/bookings/{booking.Id}/check-in", null);
            await OnWriteAnswerAsync(reply, [booking.Id]);
        }
    }

    /// <summary>Reads the series for its ETag, then moves or renames this occurrence and every later one.</summary>
    private async Task ChangeFollowingAsync()
    {
        if (Pick(b => b is { Status: "Confirmed", SeriesId: not null } && b.Start > DateTimeOffset.UtcNow.AddMinutes(2)) is not { } booking)
        {
            return;
        }

        var series = await SendAsync("series read", HttpMethod.Get, $"/api/series/{booking.SeriesId}", null);
        if (series is not { Status: 200, ETag: { } etag })
        {
            return;
        }

        var shift = TimeSpan.FromMinutes(15 * _random.Next(1, 4));
        object body = _random.Next(2) == 0
            ? new { scope = "following", title = $"Chaos series {name} renamed {_random.Next(1000)}" }
            : new { scope = "following", start = booking.Start + shift, end = booking.End + shift };
        var members = SeriesMembers(booking.SeriesId!.Value);
        // A split rewrites the earlier part's rule, not its bookings; any member may still change unlisted.
        ledger.MayHaveChanged(members);
        var reply = await SendAsync("series change following", HttpMethod.Patch, $"/api/bookings/{booking.Id}", body,
            headers => headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag)));
        await OnWriteAnswerAsync(reply, members);
    }

    private async Task CancelFollowingAsync()
    {
        if (Pick(b => b is { Status: "Confirmed", SeriesId: not null }) is { } booking)
        {
            var members = SeriesMembers(booking.SeriesId!.Value);
            ledger.MayHaveChanged(members);
            var reply = await SendAsync("series cancel following", HttpMethod.Post, $"/api/bookings/{booking.Id}/cancel",
                new { reason = "Chaos", scope = "following" });
            await OnWriteAnswerAsync(reply, members);
        }
    }

    /// <summary>
    /// Takes in what a write answered. Without a clear answer the write may or may not have happened, so it is not
    /// repeated; a stale version is read again for the next attempt.
    /// </summary>
    private async Task OnWriteAnswerAsync(Reply reply, IReadOnlyList<Guid> touched)
    {
        switch (reply.Status)
        {
            case 200 when reply.Json is { } json:
                if (json.TryGetProperty("bookings", out var bookings))
                {
                    foreach (var booking in bookings.EnumerateArray())
                    {
                        Acknowledge(booking);
                    }
                }
                else
                {
                    Acknowledge(json);
                }

                break;
            case 412:
                var fresh = await SendAsync("read after 412", HttpMethod.Get, $"/api/bookings/{touched[0]}", null);
                if (fresh is { Status: 200, Json: { } current })
                {
                    Acknowledge(current);
                }

                break;
            case null or >= 500:
                ledger.MayHaveChanged(touched);
                break;
        }
    }

    private BookingState Acknowledge(JsonElement json)
    {
        var state = new BookingState(
            json.GetProperty("id").GetGuid(),
            json.GetProperty("status").GetString()!,
            json.GetProperty("start").GetDateTimeOffset(),
            json.GetProperty("end").GetDateTimeOffset(),
            [.. json.GetProperty("resourceIds").EnumerateArray().Select(r => r.GetGuid()).Order()],
            json.GetProperty("version").GetUInt32(),
            json.GetProperty("seriesId").ValueKind == JsonValueKind.Null ? null : json.GetProperty("seriesId").GetGuid());
        ledger.Acknowledge(state);
        if (!_mine.TryGetValue(state.Id, out var known) || state.Version >= known.Version)
        {
            _mine[state.Id] = state;
        }

        return state;
    }

    private BookingState? Pick(Func<BookingState, bool> fits)
    {
        var candidates = _mine.Values.Where(fits).ToList();
        return candidates.Count == 0 ? null : candidates[_random.Next(candidates.Count)];
    }

    private List<Guid> SeriesMembers(Guid seriesId) => [.. _mine.Values.Where(b => b.SeriesId == seriesId).Select(b => b.Id)];

    private async Task<Reply> SendAsync(string operation, HttpMethod method, string path, object? body, Action<HttpRequestHeaders>? headers = null)
    {
        var instance = instances[_random.Next(instances.Count)];
        using var request = new HttpRequestMessage(method, new Uri(instance.BaseAddress, path))
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType()),
        };
        request.Headers.Authorization = _bearer;
        headers?.Invoke(request.Headers);
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            ledger.Answer(operation, instance.Name, status.ToString(CultureInfo.InvariantCulture), text);
            var json = response.Content.Headers.ContentType?.MediaType is "application/json" && text.Length > 0
                ? JsonDocument.Parse(text).RootElement
                : (JsonElement?)null;
            return new Reply(status, json, response.Headers.ETag?.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // Refused (the instance is dead), cut mid-request (it died under it) or timed out: the outcome is unknown.
            ledger.Answer(operation, instance.Name, ChaosLedger.ConnectionError, e.Message);
            return new Reply(null, null, null);
        }
    }

    private sealed record Reply(int? Status, JsonElement? Json, string? ETag);
}
