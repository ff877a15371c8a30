using BookingPortal.Infrastructure.Notifications;

namespace BookingPortal.Web.Api;

internal static class NotificationsEndpoints
{
    public sealed record MarkedRead(int Marked);

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("/notifications").WithTags("Notifications");

        notifications.MapGet("/", async (HttpContext http, NotificationInbox inbox,
                [QueryValue(typeof(int), "How many, newest first (default 50).", Minimum = 1, Maximum = NotificationInbox.MaxPageSize)] string? limit) =>
            {
                var query = new QueryReader();
                var count = query.Number("limit", limit, 1, NotificationInbox.MaxPageSize) ?? 50;
                return query.Errors.IsEmpty
                    ? TypedResults.Ok(await inbox.ListAsync(http.User.ToActor().UserId, count, http.RequestAborted))
                    : Problems.Validation(query.Errors.ToDictionary());
            })
            .WithName("ListNotifications")
            .WithSummary("My notifications, newest first, with the unread count")
            .Produces<NotificationList>()
            .ProducesValidationProblem();

        notifications.MapPost("/{id:guid}/read", async (Guid id, HttpContext http, NotificationInbox inbox) =>
                await inbox.MarkReadAsync(http.User.ToActor().UserId, id, http.RequestAborted)
                    ? Results.NoContent()
                    : Problems.NotFound("The notification"))
            .WithName("MarkNotificationRead")
            .WithSummary("Mark one of my notifications read")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireWriteLimits();

        notifications.MapPost("/read-all", async (HttpContext http, NotificationInbox inbox) =>
                TypedResults.Ok(new MarkedRead(await inbox.MarkAllReadAsync(http.User.ToActor().UserId, http.RequestAborted))))
            .WithName("MarkAllNotificationsRead")
            .WithSummary("Mark all my notifications read")
            .Produces<MarkedRead>()
            .RequireWriteLimits();

        return api;
    }
}
