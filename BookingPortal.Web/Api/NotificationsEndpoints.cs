using BookingPortal.Infrastructure.Notifications;

namespace BookingPortal.Web.Api;

internal static class NotificationsEndpoints
{
    public sealed record MarkedRead(int Marked);

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("/notifications").WithTags("Notifications");

        notifications.MapGet("/", async (HttpContext http, NotificationInbox inbox) =>
            {
                var query = new QueryReader(http.Request);
                var limit = query.Number("limit", 1, NotificationInbox.MaxPageSize) ?? 50;
                return query.Errors.IsEmpty
                    ? TypedResults.Ok(await inbox.ListAsync(http.User.ToActor().UserId, limit, http.RequestAborted))
                    : Problems.Validation(query.Errors.ToDictionary());
            })
            .WithSummary("My notifications, newest first, with the unread count")
            .Produces<NotificationList>()
            .ProducesValidationProblem();

        notifications.MapPost("/{id:guid}/read", async (Guid id, HttpContext http, NotificationInbox inbox) =>
                await inbox.MarkReadAsync(http.User.ToActor().UserId, id, http.RequestAborted)
                    ? Results.NoContent()
                    : Problems.NotFound("The notification"))
            .WithSummary("Mark one of my notifications read")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireWriteLimits();

        notifications.MapPost("/read-all", async (HttpContext http, NotificationInbox inbox) =>
                TypedResults.Ok(new MarkedRead(await inbox.MarkAllReadAsync(http.User.ToActor().UserId, http.RequestAborted))))
            .WithSummary("Mark all my notifications read")
            .Produces<MarkedRead>()
            .RequireWriteLimits();

        return api;
    }
}
