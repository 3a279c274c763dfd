// 办事指南: what to bring, the steps, the fee and the time, and the next step as one button.
import { Text, View } from '@tarojs/components'

import { Loadable, Row, Screen, Section, Tap } from '../../components/ui'
import { call } from '../../lib/api'
import type { ItemDetail } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { yuan } from '../../lib/money'
import { go, param } from '../../lib/nav'
import { useAsync } from '../../lib/useAsync'

export default function Item() {
  const code = param('code')
  const item = useAsync(() => call<ItemDetail>('catalog', 'item', { code }), [code])
  return (
    <Screen title={item.data?.name ?? t('办事指南')}>
      <Loadable loaded={item}>
        {(detail) => (
          <View>
            <Text className='summary'>{detail.summary}</Text>
            <View className='facts'>
              <Text>
                {t('收费')}：{detail.fee_fen ? yuan(detail.fee_fen) : t('免费')}
              </Text>
              <Text>
                {t('承诺时限')}：{detail.promised_days ? `${detail.promised_days}${t('个工作日')}` : t('当场办结')}
              </Text>
            </View>
            <View className='actions'>
              {detail.online_level === 'fully_online' ? (
                <Tap kind='primary' onTap={() => go(`pages/applications/apply?item=${code}`)} test='apply'>
                  {t('在线办理')}
                </Tap>
              ) : null}
              {detail.channels.includes('hall') || detail.online_level !== 'fully_online' ? (
                <Tap kind='primary' onTap={() => go(`pages/appointments/book?item=${code}`)} test='book'>
                  {t('预约')}
                </Tap>
              ) : null}
              <Tap onTap={() => go(`pages/queue/take?item=${code}`)} test='take'>
                {t('取号')}
              </Tap>
            </View>
            <Row title={t('我要咨询')} test='ask' onTap={() => go(`pages/consultations/new?kind=consultation&item=${code}`)} />
            {detail.conditions ? (
              <Section title={t('受理条件')}>
                <Text>{detail.conditions}</Text>
              </Section>
            ) : null}
            <Section title={t('申请材料')}>
              {detail.materials.map((material) => (
                <View className='line' key={material.name}>
                  <Text>
                    {material.name}
                    {material.required ? `（${t('必需')}）` : ''} ×{material.copies}
                  </Text>
                  {material.note ? <Text className='row-note'>{material.note}</Text> : null}
                </View>
              ))}
            </Section>
            <Section title={t('办理流程')}>
              {detail.steps.map((step, index) => (
                <View className='line' key={step.title}>
                  <Text>
                    {index + 1}. {step.title}
                  </Text>
                  <Text className='row-note'>{step.description}</Text>
                </View>
              ))}
            </Section>
            {detail.faqs.length ? (
              <Section title={t('常见问题')}>
                {detail.faqs.map((faq) => (
                  <View className='line' key={faq.question}>
                    <Text>{faq.question}</Text>
                    <Text className='row-note'>{faq.answer}</Text>
                  </View>
                ))}
              </Section>
            ) : null}
          </View>
        )}
      </Loadable>
    </Screen>
  )
}
