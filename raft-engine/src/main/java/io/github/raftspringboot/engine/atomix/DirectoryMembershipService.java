package io.github.raftspringboot.engine.atomix;

import java.util.Set;
import java.util.stream.Collectors;

import io.atomix.cluster.ClusterMembershipEventListener;
import io.atomix.cluster.ClusterMembershipService;
import io.atomix.cluster.Member;
import io.atomix.cluster.MemberId;
import io.atomix.utils.net.Address;

/**
 * The membership view Atomix's Raft server asks for, answered from the {@link PeerDirectory}. Raft's own
 * configuration decides who is in the cluster; this only tells Atomix who the local member is and where others
 * live, so there is no gossip and there are no membership events.
 */
final class DirectoryMembershipService implements ClusterMembershipService {

    private final PeerDirectory directory;

    DirectoryMembershipService(PeerDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Member getLocalMember() {
        return member(directory.localId(), directory.addressOf(directory.localId()));
    }

    @Override
    public Set<Member> getMembers() {
        return directory.snapshot()
            .entrySet()
            .stream()
            .map(entry -> member(entry.getKey(), entry.getValue()))
            .collect(Collectors.toSet());
    }

    @Override
    public Member getMember(MemberId memberId) {
        String address = directory.addressOf(memberId.id());
        return (address != null) ? member(memberId.id(), address) : null;
    }

    @Override
    public void addListener(ClusterMembershipEventListener listener) {
    }

    @Override
    public void removeListener(ClusterMembershipEventListener listener) {
    }

    private static Member member(String id, String address) {
        return Member.member(MemberId.from(id), Address.from(address));
    }
}
