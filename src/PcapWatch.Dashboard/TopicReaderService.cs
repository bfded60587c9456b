using Microsoft.Extensions.Hosting;

namespace PcapWatch.Dashboard;

/// <summary>
/// The page's topic reader as a hosted service of its <c>WebApplication</c>: started and stopped with the page, on a
/// thread of its own (a Kafka consumer's polls block). Its task ends faulted with the reason when it cannot go on.
/// </summary>
internal sealed class TopicReaderService(TopicFollower follower) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => follower.Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
