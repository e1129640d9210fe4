using FaceNetML.Server;

namespace FaceNetML.Tests.Server;

/// <summary>The bounded queue in front of the inference slots: waiting while there is room, 429 beyond.</summary>
[TestClass]
public sealed class InferenceGateTests
{
    [TestMethod]
    public async Task BeyondTheQueueARequestIsRefusedWith429AndWaitersGetTheSlotInTurn()
    {
        using var gate = new InferenceGate(slots: 1, queueLimit: 1);
        var first = await gate.EnterAsync(CancellationToken.None);
        var second = gate.EnterAsync(CancellationToken.None);
        Assert.IsFalse(second.IsCompleted, "the second request waits for the slot");
        Assert.AreEqual(1, gate.Waiting);
        var refused = await Assert.ThrowsExactlyAsync<ApiException>(() => gate.EnterAsync(CancellationToken.None));
        Assert.AreEqual(429, refused.Status);
        first.Dispose();
        using var lease = await second;
        Assert.AreEqual(0, gate.Waiting);
        Assert.AreEqual(1, gate.Busy);
    }

    [TestMethod]
    public async Task AWaiterWhoseDeadlinePassesLeavesTheQueue()
    {
        using var gate = new InferenceGate(slots: 1, queueLimit: 1);
        using var first = await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync(cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAsync<OperationCanceledException>(() => waiting);
        Assert.AreEqual(0, gate.Waiting);
    }
}
