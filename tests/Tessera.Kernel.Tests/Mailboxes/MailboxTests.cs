using Tessera.Kernel.Mailboxes;
using Tessera.Kernel.Tasks;

namespace Tessera.Kernel.Tests.Mailboxes;

/// <summary>Selective receive keeps arrival order; the capacity refuses guest messages but never a
/// monitor's notice; a closed mailbox refuses everything.</summary>
public class MailboxTests
{
    private static Message M(int tag, byte b) => new(new TaskId(1), tag, [b]);

    [Fact]
    public void SelectiveReceiveTakesTheOldestMatchAndKeepsTheRestInOrder()
    {
        var mailbox = new Mailbox(10);
        mailbox.Post(M(1, 10));
        mailbox.Post(M(2, 20));
        mailbox.Post(M(1, 11));
        mailbox.Post(M(2, 21));
        Assert.Equal(20, mailbox.TryTake(2)!.Payload[0]);
        Assert.Equal(10, mailbox.TryTake(Message.AnyTag)!.Payload[0]);
        Assert.Null(mailbox.TryTake(3));
        Assert.Equal(11, mailbox.TryTake(Message.AnyTag)!.Payload[0]);
        Assert.Equal(21, mailbox.TryTake(Message.AnyTag)!.Payload[0]);
        Assert.Null(mailbox.TryTake(Message.AnyTag));
    }

    [Fact]
    public void FullMailboxRefusesGuestMessagesButNotDownNotices()
    {
        var mailbox = new Mailbox(2);
        Assert.Equal(DeliveryResult.Delivered, mailbox.Post(M(0, 1)));
        Assert.Equal(DeliveryResult.Delivered, mailbox.Post(M(0, 2)));
        Assert.Equal(DeliveryResult.Full, mailbox.Post(M(0, 3)));
        Assert.Equal(DeliveryResult.Delivered, mailbox.Post(M(Message.Down, 4)));
        Assert.Equal(3, mailbox.Count);
    }

    [Fact]
    public void ClosedMailboxRefusesAndForgets()
    {
        var mailbox = new Mailbox(2);
        mailbox.Post(M(0, 1));
        mailbox.Close();
        Assert.Equal(0, mailbox.Count);
        Assert.Equal(DeliveryResult.Closed, mailbox.Post(M(0, 2)));
    }
}
