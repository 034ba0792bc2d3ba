using Tessera.Kernel.Mailboxes;
using Tessera.Kernel.Tasks;

namespace Tessera.Kernel.Tests.Mailboxes;

/// <summary>Selective receive keeps arrival order; the capacity refuses guest messages but never a
/// monitor's notice; a closed mailbox refuses everything; value messages carry their 8 bytes.</summary>
public class MailboxTests
{
    private static Message M(int tag, byte b) => new(new TaskId(1), tag, [b]);

    private static byte Take(Mailbox mailbox, int tag) =>
        mailbox.TryTake(tag, out var message) ? message.Payload[0] : throw new Xunit.Sdk.XunitException($"no message with tag {tag}");

    [Fact]
    public void SelectiveReceiveTakesTheOldestMatchAndKeepsTheRestInOrder()
    {
        var mailbox = new Mailbox(10);
        mailbox.Post(M(1, 10));
        mailbox.Post(M(2, 20));
        mailbox.Post(M(1, 11));
        mailbox.Post(M(2, 21));
        Assert.Equal(20, Take(mailbox, 2));
        Assert.Equal(10, Take(mailbox, Message.AnyTag));
        Assert.False(mailbox.TryTake(3, out _));
        Assert.Equal(11, Take(mailbox, Message.AnyTag));
        Assert.Equal(21, Take(mailbox, Message.AnyTag));
        Assert.False(mailbox.TryTake(Message.AnyTag, out _));
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

    [Fact]
    public void AValueMessageIsItsEightBytesLittleEndian()
    {
        // 0x0102030405060708 is 08 07 06 05 04 03 02 01 in memory, low byte first.
        var message = Message.OfValue(new TaskId(7), 3, 0x0102030405060708);
        Assert.Equal(8, message.Length);
        Assert.Equal([8, 7, 6, 5, 4, 3, 2, 1], message.Payload);
        Assert.Equal(0x0102030405060708, message.FirstValue());
        var three = new byte[3];
        Assert.Equal(3, message.CopyTo(three));
        Assert.Equal([8, 7, 6], three);
        // A short byte message reads as a zero-padded value: 0x0201.
        Assert.Equal(0x0201, new Message(new TaskId(7), 3, [1, 2]).FirstValue());
    }

    /// <summary>The ring against a list doing the same thing the obvious way: random posts and
    /// selective takes, so the ring wraps, grows, closes gaps from both sides and empties.</summary>
    [Fact]
    public void TheRingBehavesAsAnOrderedListUnderRandomPostsAndTakes()
    {
        var random = new Random(5);
        var mailbox = new Mailbox(1000);
        var model = new List<(int Tag, long Value)>();
        long next = 0;
        for (int step = 0; step < 20_000; step++)
        {
            if (random.Next(100) < 52 && model.Count < 1000)
            {
                int tag = random.Next(4);
                Assert.Equal(DeliveryResult.Delivered, mailbox.Post(Message.OfValue(new TaskId(1), tag, next)));
                model.Add((tag, next++));
            }
            else
            {
                int tag = random.Next(5) - 1;
                int index = model.FindIndex(m => tag == Message.AnyTag || m.Tag == tag);
                bool took = mailbox.TryTake(tag, out var message);
                Assert.Equal(index >= 0, took);
                if (!took) continue;
                Assert.Equal(model[index].Value, message.FirstValue());
                Assert.Equal(model[index].Tag, message.Tag);
                model.RemoveAt(index);
            }
            Assert.Equal(model.Count, mailbox.Count);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Message.PooledFrom - 1)]
    [InlineData(Message.PooledFrom)]
    [InlineData(100_000)]
    public void A_copied_message_is_exactly_its_bytes_whether_or_not_its_array_is_pooled(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = (byte)(i * 7 + 3);
        var message = Message.CopyOf(new TaskId(1), 5, bytes);
        Assert.Equal(length, message.Length);
        Assert.Equal(bytes, message.Payload);
        // A destination longer than the message receives its length and no more.
        var destination = new byte[length + 10];
        Array.Fill(destination, (byte)0xEE);
        Assert.Equal(length, message.CopyTo(destination));
        Assert.Equal(bytes, destination[..length]);
        Assert.All(destination[length..], b => Assert.Equal(0xEE, b));
        // The first 8 bytes, little-endian (3, 10, 17, 24, 31, 38, 45, 52), or 0 for no bytes.
        Assert.Equal(length >= 8 ? 0x34_2D_26_1F_18_11_0A_03L : 0L, message.FirstValue());
        message.Release();
    }
}
