/*
 * ns3link_run(): the ns-3 side of the simulated link (see ns3link.h).
 *
 * The simulator (RealtimeSimulatorImpl) runs in the calling thread; a
 * control thread reads command lines from the control socket, parses them
 * with the C parser and hands them to the simulator thread with
 * Simulator::ScheduleWithContext, the one thread-safe way in.  Commands
 * are applied and answered in the simulator thread, so a reply means the
 * change is in force.
 *
 * Loss and link-down are one error model on each receiving
 * SimpleNetDevice: a frame crossing the channel towards side T is judged
 * by the model of T's device.
 */
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>

#include "ns3/boolean.h"
#include "ns3/bridge-net-device.h"
#include "ns3/core-module.h"
#include "ns3/drop-tail-queue.h"
#include "ns3/error-model.h"
#include "ns3/fd-net-device.h"
#include "ns3/node.h"
#include "ns3/simple-channel.h"
#include "ns3/simple-net-device.h"

#include "ns3link.h"

using namespace ns3;

namespace
{

/* Drops every frame while down, else a random share of them. */
class LinkErrorModel : public ErrorModel
{
  public:
    static TypeId
    GetTypeId()
    {
        static TypeId tid = TypeId("ns3link::LinkErrorModel")
                                .SetParent<ErrorModel>()
                                .SetGroupName("ns3link")
                                .AddConstructor<LinkErrorModel>();
        return tid;
    }

    LinkErrorModel()
        : m_rng(CreateObject<UniformRandomVariable>())
    {
    }

    bool down = false;
    double loss = 0.0;
    struct ns3link_dir_stats stats = {0, 0, 0};

  private:
    bool
    DoCorrupt(Ptr<Packet>) override
    {
        if (down) {
            stats.dropped_down++;
            return true;
        }
        if (loss > 0.0 && m_rng->GetValue() < loss) {
            stats.dropped_loss++;
            return true;
        }
        stats.passed++;
        return false;
    }

    void
    DoReset() override
    {
    }

    Ptr<UniformRandomVariable> m_rng;
};

struct Link {
    int ctl;
    std::mutex ctl_mutex;            /* one reply line at a time */
    Ptr<SimpleChannel> channel;
    Ptr<SimpleNetDevice> wire[2];    /* [0] side I, [1] side T */
    Ptr<LinkErrorModel> rx_em[2];    /* judge frames arriving at side */
};

void
Reply(Link* l, const std::string& line)
{
    std::lock_guard<std::mutex> g(l->ctl_mutex);
    const char* p = line.data();
    size_t left = line.size();

    while (left > 0) {
        ssize_t n = send(l->ctl, p, left, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK)
            n = write(l->ctl, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the harness went away; nothing to tell */
        p += n;
        left -= (size_t)n;
    }
}

/* Error models by direction: I2T frames arrive at side T (index 1). */
void
ForEachDir(Link* l, unsigned dir, bool down, double* loss)
{
    for (int side = 0; side < 2; side++) {
        unsigned d = side == 1 ? NS3LINK_DIR_I2T : NS3LINK_DIR_T2I;
        if ((dir & d) == 0)
            continue;
        if (loss != nullptr)
            l->rx_em[side]->loss = *loss;
        else
            l->rx_em[side]->down = down;
    }
}

/* Runs in the simulator thread. */
void
Apply(Link* l, struct ns3link_cmd cmd)
{
    char buf[256];
    struct ns3link_stats st;

    switch (cmd.op) {
    case NS3LINK_OP_DOWN:
    case NS3LINK_OP_UP:
        ForEachDir(l, cmd.dir, cmd.op == NS3LINK_OP_DOWN, nullptr);
        break;
    case NS3LINK_OP_LOSS:
        ForEachDir(l, cmd.dir, false, &cmd.loss);
        break;
    case NS3LINK_OP_DELAY:
        l->channel->SetAttribute("Delay", TimeValue(MicroSeconds(cmd.value)));
        break;
    case NS3LINK_OP_RATE:
        for (auto& w : l->wire)
            w->SetAttribute("DataRate", DataRateValue(DataRate(cmd.value)));
        break;
    case NS3LINK_OP_STATS:
        st.i2t = l->rx_em[1]->stats;
        st.t2i = l->rx_em[0]->stats;
        if (ns3link_stats_format(&st, buf, sizeof(buf)) > 0)
            Reply(l, buf);
        return;
    case NS3LINK_OP_STOP:
        Simulator::Stop();
        break;
    default:
        Reply(l, "err unknown operation\n");
        return;
    }
    if (ns3link_cmd_format(&cmd, buf, sizeof(buf)) > 0)
        Reply(l, std::string("ok ") + buf);
    else
        Reply(l, "ok\n");
}

void
SayReady(Link* l)
{
    Reply(l, "ready\n");
}

/* Control thread: read lines, parse, schedule.  Ends on stop or EOF. */
void
ControlLoop(Link* l)
{
    std::string pending;
    char buf[512], err[160];
    struct ns3link_cmd cmd;

    for (;;) {
        ssize_t n = read(l->ctl, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            cmd = {};
            cmd.op = NS3LINK_OP_STOP;
            Simulator::ScheduleWithContext(0xffffffff, Seconds(0), &Apply, l, cmd);
            return;
        }
        pending.append(buf, (size_t)n);
        size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            if (ns3link_cmd_parse(line.c_str(), &cmd, err, sizeof(err)) == -1) {
                Reply(l, std::string("err ") + err + "\n");
                continue;
            }
            Simulator::ScheduleWithContext(0xffffffff, Seconds(0), &Apply, l, cmd);
            if (cmd.op == NS3LINK_OP_STOP)
                return;
        }
        if (pending.size() > 4096) {
            Reply(l, "err line too long\n");
            pending.clear();
        }
    }
}

Ptr<FdNetDevice>
AddTapSide(Ptr<Node> node, int fd)
{
    Ptr<FdNetDevice> dev = CreateObject<FdNetDevice>();
    dev->SetAddress(Mac48Address::Allocate());
    dev->SetFileDescriptor(fd);
    node->AddDevice(dev);
    return dev;
}

} // namespace

extern "C" int
ns3link_probe(void)
{
    TypeId tid;
    const char* need[] = {"ns3::FdNetDevice", "ns3::BridgeNetDevice",
                          "ns3::SimpleNetDevice", "ns3::SimpleChannel",
                          "ns3::RealtimeSimulatorImpl"};

    for (const char* name : need)
        if (!TypeId::LookupByNameFailSafe(name, &tid))
            return -1;
    return 0;
}

extern "C" int
ns3link_run(const struct ns3link_cfg* cfg, int ctl_fd)
{
    if (cfg->fd_i < 0 || cfg->fd_t < 0 || ctl_fd < 0 || ns3link_probe() != 0)
        return -1;

    GlobalValue::Bind("SimulatorImplementationType",
                      StringValue("ns3::RealtimeSimulatorImpl"));
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    if (cfg->seed != 0)
        RngSeedManager::SetSeed(cfg->seed);

    Link l;
    l.ctl = ctl_fd;
    l.channel = CreateObject<SimpleChannel>();
    l.channel->SetAttribute("Delay", TimeValue(MicroSeconds(cfg->delay_us)));

    int tapfd[2] = {cfg->fd_i, cfg->fd_t};
    double loss[2] = {cfg->loss_t2i, cfg->loss_i2t}; /* by receiving side */
    for (int side = 0; side < 2; side++) {
        Ptr<Node> node = CreateObject<Node>();
        Ptr<FdNetDevice> tap = AddTapSide(node, tapfd[side]);

        Ptr<SimpleNetDevice> wire = CreateObject<SimpleNetDevice>();
        wire->SetAddress(Mac48Address::Allocate());
        wire->SetAttribute("DataRate", DataRateValue(DataRate(cfg->rate_bps)));
        Ptr<DropTailQueue<Packet>> q = CreateObject<DropTailQueue<Packet>>();
        uint32_t frames = cfg->queue_frames != 0 ? cfg->queue_frames : 100;
        q->SetMaxSize(QueueSize(QueueSizeUnit::PACKETS, frames));
        wire->SetQueue(q);
        l.rx_em[side] = CreateObject<LinkErrorModel>();
        l.rx_em[side]->loss = loss[side];
        wire->SetReceiveErrorModel(l.rx_em[side]);
        node->AddDevice(wire);
        wire->SetChannel(l.channel);
        l.wire[side] = wire;

        Ptr<BridgeNetDevice> bridge = CreateObject<BridgeNetDevice>();
        node->AddDevice(bridge);
        bridge->AddBridgePort(tap);
        bridge->AddBridgePort(wire);
    }

    /* Taps start at t=0 (node initialisation); say ready just after. */
    Simulator::Schedule(MilliSeconds(1), &SayReady, &l);
    std::thread ctl(ControlLoop, &l);
    Simulator::Run();
    ctl.join();
    Simulator::Destroy(); /* disposes the devices: closes the tap fds */
    return 0;
}
