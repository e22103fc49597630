using System.Net.Http.Json;
using System.Text.Json;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>Waits for the outbox through the management API, as an operator would: bounded, never a fixed sleep.</summary>
public static class Polling
{
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Not reached within {seconds} s: {what}");
    }

    /// <summary>Waits until the delivery is delivered, skipped or dead-lettered, and returns it with its attempts.</summary>
    public static async Task<JsonElement> WaitForDeliveryAsync(HttpClient admin, long id)
    {
        JsonElement delivery = default;
        await WaitUntilAsync(async () =>
        {
            delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{id}");
            return delivery.GetProperty("state").GetString() is "Delivered" or "Skipped" or "DeadLettered";
        }, $"delivery {id} finished");
        return delivery;
    }

    /// <summary>Waits until every event of the situation is finished, and returns the ticket with its history.</summary>
    public static async Task<JsonElement> WaitForSituationAsync(HttpClient admin, string subscription, string situationId, int events)
    {
        JsonElement ticket = default;
        await WaitUntilAsync(async () =>
        {
            var response = await admin.GetAsync($"/api/v1/tickets/{subscription}/{situationId}");
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            ticket = await response.Content.ReadFromJsonAsync<JsonElement>();
            var history = ticket.GetProperty("events").EnumerateArray().ToList();
            return history.Count == events && history.All(e => e.GetProperty("state").GetString() is "Delivered" or "Skipped" or "DeadLettered");
        }, $"{events} events of situation {situationId} finished");
        return ticket;
    }

    /// <summary>The delivery of an accepted event that did not finish delivered: a 202's Location, or a dead letter's problem.</summary>
    public static async Task<long> DeliveryIdOfAsync(HttpResponseMessage answer) => answer.StatusCode == System.Net.HttpStatusCode.Accepted
        ? DeliveryId(answer)
        : (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryId").GetInt64();

    public static long DeliveryId(HttpResponseMessage accepted) =>
        long.Parse(accepted.Headers.Location!.ToString().Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
}
