using System.ComponentModel;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Outbox;

/// <summary>Groups of situations sharing one ticket, for operators (docs/api.md §4): which ticket, which members, open or closed.</summary>
internal static class GroupEndpoints
{
    private const int PageSize = 50;

    public static RouteGroupBuilder MapGroups(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/groups")
            .WithTags("Tickets and deliveries")
            .RequireAuthorization(Roles.Admin);

        group.MapGet("", ListAsync)
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidPage", "The page is below 1.", "Invalid page", "Pages are numbered from 1.")
            .AnswersProblem(StatusCodes.Status400BadRequest, "notANumber", "The page is not a whole number.", null)
            .WithName("ListGroups")
            .WithSummary("Groups of situations that share one ticket (Grouping:Key), newest first, 50 a page, filtered by subscription and open or closed.");
        group.MapGet("/{id:long}", GetAsync)
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownGroup", "No group has this id.", "Unknown group", "No group 42 exists.")
            .WithName("GetGroup")
            .WithSummary("One group with its members: the opener first, then the situations that joined its ticket, each open or closed.");
        return group;
    }

    private static async Task<Results<Ok<GroupView[]>, ProblemHttpResult>> ListAsync(
        [Description("Only the groups of this subscription (its name under Bridge:Subscriptions).")] string? subscription,
        [Description("true: only open groups (a situation of the key still joins them within the window); false: only those whose ticket the bridge closed.")] bool? open,
        [Description("The page, 1 (the default) for the first 50, 2 for the next 50, and so on.")] int? page,
        ITicketGroupStore groups, CancellationToken cancellationToken)
    {
        if (page is < 1)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid page", "Pages are numbered from 1.");
        }

        var list = await groups.ListAsync(subscription, open, ((page ?? 1) - 1L) * PageSize, PageSize, cancellationToken);
        return TypedResults.Ok(list.Select(g => ToView(g)).ToArray());
    }

    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> GetAsync(
        [Description("The group's id, as the groups list and a member's ticket (groupId) show it.")] long id,
        ITicketGroupStore groups, CancellationToken cancellationToken)
    {
        if (await groups.FindAsync(id, cancellationToken) is not { } found)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Unknown group", $"No group {id} exists.");
        }

        var members = await groups.ListMembersAsync(id, cancellationToken);
        return TypedResults.Ok(ToView(found, [.. members.OrderBy(m => m.GroupedWith is null ? 0 : 1).Select(m => DeliveryEndpoints.ToView(m))]));
    }

    internal static GroupView ToView(TicketGroup g, IReadOnlyList<TicketView>? members = null) => new(
        g.Id, g.Subscription, g.Key, g.OpenedBy, g.OpenedAt, g.IsClosed, g.ClosedAt, g.Opener?.TicketId, g.Opener?.TicketNumber,
        g.Opener?.TicketStatus, g.Opener?.DisplayUrl, g.Members, g.OpenMembers, members);
}
